// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {GatewayInboundStorage} from "./GatewayInboundStorage.sol";
import {GatewayOutboundStorage} from "./GatewayOutboundStorage.sol";

/// @title The Fusion Hub gateway of one EVM chain registered at the hub.
/// @notice Outbound (this chain → hub, and through the hub to other peers): `sendToken` locks an
/// ERC-20 whose home is this chain; `sendData` sends bytes to a chain's data-record application. Each assigns its channel's next nonce,
/// keeps what a refund needs, and emits the message; the message's StandardMerkleTree leaf is
/// what the hub proves. The leaves of a block's `MessageSent` events, in log order, form the
/// `message_root` this chain's committee attests to the hub (docs/protocol.md).
/// @dev Messages are encoded exactly as the hub's `Message::abi_encode`: nine ABI words, the
/// payload dynamic. Still to come (issue 12): inbound delivery under the hub's notary
/// checkpoints, with wrapped tokens for tokens whose home is elsewhere (burned by `sendToken`),
/// receipts, acknowledgements and refunds; they build on this contract's storage.
contract FusionGateway is GatewayInboundStorage, GatewayOutboundStorage, Ownable2Step, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice The hub's own chain id.
    uint32 public constant HUB_CHAIN_ID = 0;
    /// @notice The hub's asset-transfer application.
    uint32 public constant ASSET_TRANSFER_APP = 1;
    /// @notice The data-record application.
    uint32 public constant DATA_RECORD_APP = 2;
    /// @notice The hub's largest payload (`MaxPayload`).
    uint256 public constant MAX_PAYLOAD = 1024;

    /// @notice This chain's id in the hub's registry: the `source` of every message it sends.
    uint32 public immutable chainId;

    /// @notice A limit on the destination's clock after which the message is not executed: a
    /// height of the destination and a timestamp in milliseconds (0 = no limit).
    struct Timeout {
        uint32 height;
        uint64 timestamp;
    }

    /// @notice A message left this chain. `message` is its ABI encoding (the hub's
    /// `Message::abi_encode`), `leaf` its StandardMerkleTree leaf.
    event MessageSent(uint32 indexed destination, uint64 indexed nonce, bytes32 leaf, bytes message);

    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice The payload is empty or longer than `MAX_PAYLOAD`.
    error InvalidPayload();
    /// @notice A message cannot be sent to this chain itself.
    error InvalidDestination();
    /// @notice The timestamp limit must be set and in the future of this chain's clock.
    error InvalidTimeout();
    /// @notice `msg.value` is not the message's fee.
    error FeeMismatch(uint256 sent, uint128 fee);
    /// @notice The token does not report its decimals.
    error TokenWithoutDecimals(address token);
    /// @notice The gateway received another amount than was sent (fee-on-transfer tokens are not
    /// supported).
    error TransferAmountMismatch(uint256 expected, uint256 received);
    /// @notice The channel's nonce would overflow.
    error NonceOverflow();

    constructor(uint32 chainId_, address admin) Ownable(admin) {
        chainId = chainId_;
    }

    /// @notice Stops sends (and, once inbound lands, deliveries); refunds are never paused.
    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    /// @notice Sends `amount` of `token` (an ERC-20 whose home is this chain) to `beneficiary` on
    /// `destination`: it is locked here until the destination's receipt, or refunded. `msg.value`
    /// is the fee for the relayer that brings back the destination's receipt.
    function sendToken(
        address token,
        uint128 amount,
        uint32 destination,
        bytes32 beneficiary,
        Timeout calldata timeout,
        uint128 fee
    ) external payable whenNotPaused nonReentrant returns (uint64 nonce) {
        if (amount == 0) revert ZeroAmount();
        uint8 decimals = _lock(token, amount);
        // The token is named by its home (this chain) and its address, left-padded.
        bytes memory payload = abi.encode(chainId, bytes32(uint256(uint160(token))), amount, beneficiary, decimals);
        nonce = _send(destination, ASSET_TRANSFER_APP, payload, timeout, fee, token, amount);
    }

    /// @dev Takes exactly `amount` of `token` from the sender into the gateway; returns the
    /// token's decimals.
    function _lock(address token, uint128 amount) private returns (uint8 decimals) {
        decimals = _decimals(token);
        IERC20 erc20 = IERC20(token);
        uint256 before = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = erc20.balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(amount, received);
    }

    /// @notice Sends `payload` to the data-record application of `destination`.
    function sendData(uint32 destination, bytes calldata payload, Timeout calldata timeout, uint128 fee)
        external
        payable
        whenNotPaused
        nonReentrant
        returns (uint64 nonce)
    {
        if (payload.length == 0 || payload.length > MAX_PAYLOAD) revert InvalidPayload();
        nonce = _send(destination, DATA_RECORD_APP, payload, timeout, fee, address(0), 0);
    }

    /// @notice The ABI encoding of a message, as the hub encodes it.
    function encodeMessage(
        uint32 destination,
        uint64 nonce,
        bytes32 sender,
        uint32 appId,
        bytes memory payload,
        Timeout memory timeout,
        uint128 fee
    ) public view returns (bytes memory) {
        return abi.encode(chainId, destination, nonce, sender, appId, payload, timeout.height, timeout.timestamp, fee);
    }

    function _send(
        uint32 destination,
        uint32 appId,
        bytes memory payload,
        Timeout calldata timeout,
        uint128 fee,
        address token,
        uint128 amount
    ) private returns (uint64 nonce) {
        if (destination == chainId) revert InvalidDestination();
        if (msg.value != fee) revert FeeMismatch(msg.value, fee);
        // The hub's clock is in milliseconds; a message that can never expire could never be
        // refunded.
        if (timeout.timestamp <= uint64(block.timestamp) * 1000) revert InvalidTimeout();
        OutboundStorage storage $ = _outbound();
        uint64 last = $.nonces[destination];
        if (last == type(uint64).max) revert NonceOverflow();
        nonce = last + 1;
        $.nonces[destination] = nonce;
        bytes memory message = encodeMessage(
            destination, nonce, bytes32(uint256(uint160(msg.sender))), appId, payload, timeout, fee
        );
        bytes32 leaf = keccak256(bytes.concat(keccak256(message)));
        $.sent[destination][nonce] =
            SentMessage({leaf: leaf, payer: msg.sender, token: token, amount: amount, fee: fee});
        emit MessageSent(destination, nonce, leaf, message);
    }

    function _decimals(address token) private view returns (uint8) {
        try IERC20Metadata(token).decimals() returns (uint8 decimals) {
            return decimals;
        } catch {
            revert TokenWithoutDecimals(token);
        }
    }
}
