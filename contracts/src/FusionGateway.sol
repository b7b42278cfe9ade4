// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {GatewayInboundStorage} from "./GatewayInboundStorage.sol";
import {GatewayOutboundStorage} from "./GatewayOutboundStorage.sol";
import {GatewaySettlementStorage} from "./GatewaySettlementStorage.sol";
import {HubNotaries} from "./HubNotaries.sol";
import {WrappedHubToken} from "./WrappedHubToken.sol";

/// @title The Fusion Hub gateway of one EVM chain registered at the hub.
/// @notice Outbound (this chain → hub, and through the hub to other peers): `sendToken` locks an
/// ERC-20 whose home is this chain, or burns a wrapped token whose home is elsewhere; `sendData`
/// sends bytes to a chain's data-record application. Each assigns its channel's next nonce,
/// keeps what a refund needs, and emits the message with its StandardMerkleTree leaf.
///
/// Inbound (hub → this chain): the hub's outbound root for this chain is accepted only with a
/// checkpoint its notaries signed (`submitCheckpoint`); then `deliverMessage` takes each message
/// with its keccak proof against that root, strictly in its channel's nonce order, refuses to
/// execute it past its timeout by this chain's clock (an `Expired` receipt), releases locked
/// tokens or mints wrapped ones, and writes a receipt naming the relayer's hub account.
///
/// The leaves of a block's `MessageSent` and `ReceiptWritten` logs, in log order, form the
/// `message_root` this chain's committee attests to the hub (docs/protocol.md).
/// Completion: the hub's receipt of a message sent from here, certified like its messages,
/// completes it exactly once (`acknowledge`): `Delivered` keeps the value where it went,
/// `Failed` and `Expired` refund it (unlock, or mint back the wrapped token). Messages to the hub
/// never need a proof of non-receipt: a message the hub gets past its timeout is `Expired` by
/// the hub's clock, and a routed one comes back `Expired` once its destination proved it never
/// delivered it. Fees go to the relayer the receipt names (`Delivered`, `Failed`), claimed with
/// the secp256k1 key behind its hub account, or back to the payer (`Expired`).
///
/// Settlement (the hub's app 3, docs/protocol.md "Atomic settlement"): a party signs up to a
/// settlement's terms through `signUpForSettlement`; the hub's prepare order then takes the leg's
/// tokens from it (its allowance to the gateway) and holds them; only the hub's commit pays them
/// to the counterparty and only its abort returns them, each once.
/// @dev Messages and receipts are encoded exactly as the hub's `Message::abi_encode` and
/// `Receipt::abi_encode`.
contract FusionGateway is
    GatewayInboundStorage,
    GatewayOutboundStorage,
    GatewaySettlementStorage,
    HubNotaries,
    Ownable2Step,
    Pausable,
    ReentrancyGuard
{
    using SafeERC20 for IERC20;

    /// @notice The hub's own chain id.
    uint32 public constant HUB_CHAIN_ID = 0;
    /// @notice The hub's asset-transfer application.
    uint32 public constant ASSET_TRANSFER_APP = 1;
    /// @notice The data-record application.
    uint32 public constant DATA_RECORD_APP = 2;
    /// @notice The hub's settlement application.
    uint32 public constant SETTLEMENT_APP = 3;
    /// @dev The kinds of a settlement payload's first word (internal: the gateway is near the
    /// contract size limit).
    uint8 internal constant PREPARE = 1;
    uint8 internal constant COMMIT = 2;
    uint8 internal constant ABORT = 3;
    uint8 internal constant SIGN_UP = 4;
    /// @notice The hub's largest payload (`MaxPayload`).
    uint256 public constant MAX_PAYLOAD = 1024;
    /// @notice Receipt outcomes, as the hub numbers them.
    uint8 public constant DELIVERED = 0;
    uint8 public constant FAILED = 1;
    uint8 public constant EXPIRED = 2;

    /// @notice This chain's id in the hub's registry: the `source` of every message it sends.
    uint32 public immutable chainId;

    /// @notice A limit on the destination's clock after which the message is not executed: a
    /// height of the destination and a timestamp in milliseconds (0 = no limit).
    struct Timeout {
        uint32 height;
        uint64 timestamp;
    }

    /// @notice A message, with the hub's fields.
    struct Message {
        uint32 source;
        uint32 destination;
        uint64 nonce;
        bytes32 sender;
        uint32 appId;
        bytes payload;
        Timeout timeout;
        uint128 fee;
    }

    /// @notice A message left this chain. `message` is its ABI encoding (the hub's
    /// `Message::abi_encode`), `leaf` its StandardMerkleTree leaf.
    event MessageSent(uint32 indexed destination, uint64 indexed nonce, bytes32 leaf, bytes message);
    /// @notice The hub's notaries certified its outbound root for this chain in `hubBlock`.
    event CheckpointAccepted(uint32 indexed hubBlock, bytes32 root);
    /// @notice A message was delivered here; `receipt` is the hub's `Receipt::abi_encode`, `leaf`
    /// its StandardMerkleTree leaf. `error` is the failure's revert data (empty otherwise).
    event ReceiptWritten(uint32 indexed source, uint64 indexed nonce, uint8 outcome, bytes32 leaf, bytes receipt, bytes error);
    /// @notice A data record arrived.
    event DataReceived(uint32 indexed source, bytes32 indexed sender, bytes payload);
    /// @notice The gateway deployed the wrapped token of token `id` of chain `home`.
    event WrappedTokenCreated(uint32 indexed home, bytes32 indexed id, address token);
    /// @notice A message sent from here was completed by the hub's receipt with `outcome`.
    event MessageCompleted(uint32 indexed destination, uint64 indexed nonce, uint8 outcome, bytes32 relayer);
    /// @notice A relayer claimed its fees.
    event RewardsClaimed(bytes32 indexed hubAccount, address to, uint256 amount);
    /// @notice A settlement leg moved on the hub's order: `Locked` (taken from `party`),
    /// `Released` (paid to `party`, the counterparty), `Returned` (back to `party`, its owner), or
    /// `Closed` (aborted before anything was locked; `party` is zero).
    event SettlementLegMoved(bytes32 indexed id, uint8 leg, LegState state, address party);

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
    /// @notice A checkpoint or message for another chain than this one.
    error WrongDestination(uint32 destination);
    /// @notice The notaries certified another root for this hub block: evidence for the hub.
    error ConflictingCheckpoint(uint32 hubBlock, bytes32 accepted, bytes32 offered);
    /// @notice No certified root of the hub for this chain in that hub block.
    error UnknownCheckpoint(uint32 hubBlock);
    /// @notice The nonce was delivered already.
    error NonceReplayed(uint32 source, uint64 nonce);
    /// @notice The nonce skips an undelivered one.
    error NonceGap(uint32 source, uint64 expected, uint64 nonce);
    /// @notice The proof does not lead from the message's leaf to the certified root.
    error NotIncluded();
    /// @notice Only the gateway executes a message (in its own call, so a failure is caught).
    error OnlySelf();
    /// @notice The application does not exist here.
    error UnknownApplication(uint32 appId);
    /// @notice A beneficiary or token id that is not an Ethereum address.
    error NotAnAddress(bytes32 value);
    /// @notice The hub asked to release more of a token than is locked here.
    error ExceedsLocked(address token, uint256 locked, uint256 amount);
    /// @notice No message pending under the receipt's channel and nonce: never sent, or
    /// completed already.
    error UnknownMessage(uint32 destination, uint64 nonce);
    /// @notice The receipt names another message than the one sent under its nonce.
    error ReceiptMismatch();
    /// @notice Not an outcome the hub writes.
    error InvalidOutcome(uint8 outcome);
    /// @notice The public key is not 64 bytes, or not the caller's.
    error NotYourKey();
    /// @notice Nothing to claim.
    error NothingToClaim();
    /// @notice The native currency could not be sent.
    error PaymentFailed();
    /// @notice The chain has no BLAKE2b compression precompile (EIP-152).
    error Blake2Unavailable();
    /// @notice Settlement orders come from the hub only.
    error NotFromHub(uint32 source);
    /// @notice The hub ordered a leg locked for a party that did not sign up here to these terms.
    error NotSignedUp(bytes32 id, address party);
    /// @notice The order does not apply to the leg in `state`: a prepare of a leg seen before, a
    /// commit of a leg not locked, an abort of a leg settled already.
    error WrongLegState(bytes32 id, uint8 leg, LegState state);
    /// @notice Not a settlement order's kind.
    error UnknownOrder(uint8 kind);

    constructor(
        uint32 chainId_,
        address admin,
        bytes32 hubGenesisHash_,
        uint64 notarySetId_,
        uint32 notaryThreshold_,
        address[] memory notaries_
    ) HubNotaries(hubGenesisHash_, notarySetId_, notaryThreshold_, notaries_) Ownable(admin) {
        chainId = chainId_;
    }

    /// @notice Stops sends and deliveries; refunds are never paused.
    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    // ----- Outbound -----

    /// @notice Sends `amount` of `token` to `beneficiary` on `destination`: a token whose home is
    /// this chain is locked here until the destination's receipt, or refunded; a wrapped token
    /// of this gateway is burned. `msg.value` is the fee for the relayer that brings back the
    /// destination's receipt.
    function sendToken(
        address token,
        uint128 amount,
        uint32 destination,
        bytes32 beneficiary,
        Timeout calldata timeout,
        uint128 fee
    ) external payable whenNotPaused nonReentrant returns (uint64 nonce) {
        if (amount == 0) revert ZeroAmount();
        HubToken memory hubToken;
        uint8 decimals;
        if (_isWrapped(token)) {
            hubToken = _outbound().hubTokenOf[token];
            decimals = WrappedHubToken(token).decimals();
            WrappedHubToken(token).burnFrom(msg.sender, amount);
        } else {
            hubToken = HubToken({home: chainId, id: bytes32(uint256(uint160(token)))});
            decimals = _lock(token, amount);
        }
        bytes memory payload = abi.encode(hubToken.home, hubToken.id, amount, beneficiary, decimals);
        nonce = _send(destination, ASSET_TRANSFER_APP, payload, timeout, fee, token, amount);
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

    /// @notice Signs the caller up to settlement `id` on the hub, whose terms hash (the hub's
    /// `fusion_settlement`) is `terms`: a message to the hub's settlement application. The hub's
    /// prepare order may then take each leg the caller gives here (approve the gateway for it).
    function signUpForSettlement(bytes32 id, bytes32 terms, Timeout calldata timeout, uint128 fee)
        external
        payable
        whenNotPaused
        nonReentrant
        returns (uint64 nonce)
    {
        _settlements().signedUp[id][msg.sender] = terms;
        nonce = _send(HUB_CHAIN_ID, SETTLEMENT_APP, abi.encode(SIGN_UP, id, terms), timeout, fee, address(0), 0);
    }

    /// @notice The ABI encoding of a message, as the hub encodes it.
    function encodeMessage(Message memory m) public pure returns (bytes memory) {
        return abi.encode(
            m.source, m.destination, m.nonce, m.sender, m.appId, m.payload, m.timeout.height, m.timeout.timestamp, m.fee
        );
    }

    /// @dev Takes exactly `amount` of `token` from the sender into the gateway; returns the
    /// token's decimals.
    function _lock(address token, uint128 amount) private returns (uint8 decimals) {
        decimals = _decimals(token);
        _take(token, msg.sender, amount);
        _outbound().locked[token] += amount;
    }

    /// @dev Takes exactly `amount` of `token` from `from` into the gateway.
    function _take(address token, address from, uint128 amount) private {
        IERC20 erc20 = IERC20(token);
        uint256 before = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(from, address(this), amount);
        uint256 received = erc20.balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(amount, received);
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
            Message({
                source: chainId,
                destination: destination,
                nonce: nonce,
                sender: bytes32(uint256(uint160(msg.sender))),
                appId: appId,
                payload: payload,
                timeout: timeout,
                fee: fee
            })
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

    // ----- Inbound -----

    /// @notice Accepts the hub's outbound root for this chain in `checkpoint.hubBlock`, signed by
    /// a quorum of the current notary set. Anyone may submit it; submitting it again is a no-op.
    function submitCheckpoint(Checkpoint calldata checkpoint, bytes[] calldata signatures) external {
        if (checkpoint.destination != chainId) revert WrongDestination(checkpoint.destination);
        verifyCheckpoint(checkpoint, signatures);
        InboundStorage storage $ = _inbound();
        bytes32 accepted = $.hubRoots[checkpoint.hubBlock];
        if (accepted == checkpoint.root) return;
        if (accepted != bytes32(0)) revert ConflictingCheckpoint(checkpoint.hubBlock, accepted, checkpoint.root);
        $.hubRoots[checkpoint.hubBlock] = checkpoint.root;
        emit CheckpointAccepted(checkpoint.hubBlock, checkpoint.root);
    }

    /// @notice Delivers `message`, proven by `proof` against the certified root of `hubBlock`, and
    /// writes its receipt naming `relayer` (the relayer's hub account, which earns the fee held
    /// on the hub). Nonces of each channel strictly in order.
    function deliverMessage(Message calldata message, uint32 hubBlock, bytes32[] calldata proof, bytes32 relayer)
        external
        whenNotPaused
        nonReentrant
        returns (uint8 outcome)
    {
        if (message.destination != chainId) revert WrongDestination(message.destination);
        InboundStorage storage $ = _inbound();
        uint64 last = $.delivered[message.source];
        if (message.nonce <= last) revert NonceReplayed(message.source, message.nonce);
        if (message.nonce != last + 1) revert NonceGap(message.source, last + 1, message.nonce);
        bytes32 root = $.hubRoots[hubBlock];
        if (root == bytes32(0)) revert UnknownCheckpoint(hubBlock);
        bytes32 leaf = keccak256(bytes.concat(keccak256(encodeMessage(message))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert NotIncluded();
        $.delivered[message.source] = message.nonce;

        bytes memory error;
        if (_expired(message.timeout)) {
            outcome = EXPIRED;
        } else {
            // In its own call: a failing application leaves no trace, and its receipt says so.
            try this.executeMessage(message) {
                outcome = DELIVERED;
            } catch (bytes memory reason) {
                outcome = FAILED;
                error = reason;
            }
        }
        bytes memory receipt = abi.encode(message.source, chainId, message.nonce, leaf, outcome, relayer);
        bytes32 receiptLeaf_ = keccak256(bytes.concat(keccak256(receipt)));
        $.receipts[message.source][message.nonce] = receiptLeaf_;
        emit ReceiptWritten(message.source, message.nonce, outcome, receiptLeaf_, receipt, error);
    }

    /// @notice Runs a delivered message's application. Only the gateway calls it, from
    /// `deliverMessage`.
    function executeMessage(Message calldata message) external {
        if (msg.sender != address(this)) revert OnlySelf();
        if (message.appId == ASSET_TRANSFER_APP) {
            _receiveTransfer(message.payload);
        } else if (message.appId == DATA_RECORD_APP) {
            if (message.payload.length == 0) revert InvalidPayload();
            emit DataReceived(message.source, message.sender, message.payload);
        } else if (message.appId == SETTLEMENT_APP) {
            if (message.source != HUB_CHAIN_ID) revert NotFromHub(message.source);
            _settle(message.payload);
        } else {
            revert UnknownApplication(message.appId);
        }
    }

    /// @dev A timeout has passed by this chain's clock: a block above its height, or a time (ms)
    /// above its timestamp, as the hub's `Timeout::has_passed` reads a peer's clock.
    function _expired(Timeout calldata timeout) private view returns (bool) {
        return (timeout.height != 0 && block.number > timeout.height)
            || (timeout.timestamp != 0 && uint64(block.timestamp) * 1000 > timeout.timestamp);
    }

    /// @dev A transfer to an account here: a token whose home is this chain is released from
    /// what is locked; another is minted as this gateway's wrapped token.
    function _receiveTransfer(bytes calldata payload) private {
        if (payload.length != 160) revert InvalidPayload();
        (uint32 home, bytes32 id, uint128 amount, bytes32 beneficiary, uint8 decimals) =
            abi.decode(payload, (uint32, bytes32, uint128, bytes32, uint8));
        if (amount == 0) revert ZeroAmount();
        address to = _address(beneficiary);
        if (home == chainId) {
            address token = _address(id);
            uint256 locked = _outbound().locked[token];
            if (amount > locked) revert ExceedsLocked(token, locked, amount);
            _outbound().locked[token] = locked - amount;
            IERC20(token).safeTransfer(to, amount);
        } else {
            WrappedHubToken(_wrappedOrCreate(home, id, decimals)).mint(to, amount);
        }
    }

    /// @notice The hub's order for one settlement leg (the payload of app 3, eight words).
    struct SettlementOrder {
        uint8 kind;
        bytes32 id;
        uint8 leg;
        bytes32 token;
        bytes32 from;
        bytes32 to;
        uint128 amount;
        bytes32 terms;
    }

    /// @dev Executes the hub's settlement order: prepare locks the leg (once, for a party that
    /// signed up to exactly these terms); commit pays a locked leg to its counterparty; abort
    /// returns a locked leg, or closes an unseen one so that it is never locked. A refusal
    /// reverts: a `Failed` receipt. A payment the token refuses is owed, not retried: the
    /// decision is final, and the leg is settled all the same.
    function _settle(bytes calldata payload) private {
        if (payload.length != 256) revert InvalidPayload();
        SettlementOrder memory order = abi.decode(payload, (SettlementOrder));
        SettlementLeg storage held = _settlements().legs[_legKey(order.id, order.terms, order.leg)];
        if (order.kind == PREPARE) {
            _prepareLeg(order, held);
        } else if (order.kind == COMMIT) {
            if (held.state != LegState.Locked) revert WrongLegState(order.id, order.leg, held.state);
            held.state = LegState.Released;
            _payOrOwe(held.token, held.to, held.amount);
            emit SettlementLegMoved(order.id, order.leg, LegState.Released, held.to);
        } else if (order.kind == ABORT) {
            if (held.state == LegState.Locked) {
                held.state = LegState.Returned;
                _payOrOwe(held.token, held.from, held.amount);
                emit SettlementLegMoved(order.id, order.leg, LegState.Returned, held.from);
            } else if (held.state == LegState.None) {
                held.state = LegState.Closed;
                emit SettlementLegMoved(order.id, order.leg, LegState.Closed, address(0));
            } else {
                revert WrongLegState(order.id, order.leg, held.state);
            }
        } else {
            revert UnknownOrder(order.kind);
        }
    }

    function _prepareLeg(SettlementOrder memory order, SettlementLeg storage held) private {
        if (held.state != LegState.None) revert WrongLegState(order.id, order.leg, held.state);
        if (order.amount == 0) revert ZeroAmount();
        address party = _address(order.from);
        if (_settlements().signedUp[order.id][party] != order.terms) revert NotSignedUp(order.id, party);
        address token = _address(order.token);
        _take(token, party, order.amount);
        held.token = token;
        held.from = party;
        held.to = _address(order.to);
        held.amount = order.amount;
        held.state = LegState.Locked;
        emit SettlementLegMoved(order.id, order.leg, LegState.Locked, party);
    }

    function _payOrOwe(address token, address to, uint256 amount) private {
        if (!IERC20(token).trySafeTransfer(to, amount)) _settlements().owed[token][to] += amount;
    }

    /// @notice Pays the caller what settled legs owe it of `token` (payments the token refused
    /// when the hub's decision arrived).
    function claimSettlementPayment(address token) external nonReentrant {
        uint256 amount = _settlements().owed[token][msg.sender];
        if (amount == 0) revert NothingToClaim();
        _settlements().owed[token][msg.sender] = 0;
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    function _wrappedOrCreate(uint32 home, bytes32 id, uint8 decimals) private returns (address wrapped) {
        bytes32 key = _hubTokenKey(home, id);
        wrapped = _inbound().wrappedOf[key];
        if (wrapped != address(0)) return wrapped;
        string memory name = string.concat("Fusion Hub chain ", Strings.toString(home), " token");
        string memory symbol = string.concat("fh", Strings.toString(home), "-", Strings.toHexString(uint32(uint256(id)), 4));
        wrapped = address(new WrappedHubToken{salt: key}(name, symbol, decimals));
        _inbound().wrappedOf[key] = wrapped;
        _outbound().hubTokenOf[wrapped] = HubToken({home: home, id: id});
        emit WrappedTokenCreated(home, id, wrapped);
    }

    // ----- Completion -----

    /// @notice Completes a message sent from here with the hub's receipt, proven against the
    /// certified root of `hubBlock`: exactly once. Never paused: refunds always go through.
    function acknowledge(
        uint32 destination,
        uint64 nonce,
        bytes32 messageLeaf,
        uint8 outcome,
        bytes32 relayer,
        uint32 hubBlock,
        bytes32[] calldata proof
    ) external nonReentrant {
        bytes32 root = _inbound().hubRoots[hubBlock];
        if (root == bytes32(0)) revert UnknownCheckpoint(hubBlock);
        bytes memory receipt = abi.encode(chainId, destination, nonce, messageLeaf, outcome, relayer);
        if (!MerkleProof.verifyCalldata(proof, root, keccak256(bytes.concat(keccak256(receipt))))) {
            revert NotIncluded();
        }
        if (outcome > EXPIRED) revert InvalidOutcome(outcome);
        OutboundStorage storage $ = _outbound();
        SentMessage memory sent = $.sent[destination][nonce];
        if (sent.leaf == bytes32(0)) revert UnknownMessage(destination, nonce);
        if (sent.leaf != messageLeaf) revert ReceiptMismatch();
        delete $.sent[destination][nonce];
        if (outcome != DELIVERED && sent.amount > 0) {
            _refund(sent);
        }
        if (sent.fee > 0) {
            if (outcome == EXPIRED) {
                $.feeRefunds[sent.payer] += sent.fee;
            } else {
                $.relayerRewards[relayer] += sent.fee;
            }
        }
        emit MessageCompleted(destination, nonce, outcome, relayer);
    }

    /// @notice Pays the caller the fees earned by the hub account of its secp256k1 key: the
    /// caller gives its 64-byte public key (x ++ y); its address must be the caller's, and the
    /// hub account is `blake2_256` of the compressed key, as the hub derives an ECDSA account.
    function claimRewards(bytes calldata publicKey) external nonReentrant {
        if (publicKey.length != 64 || address(uint160(uint256(keccak256(publicKey)))) != msg.sender) {
            revert NotYourKey();
        }
        bytes32 account = hubAccountOf(publicKey);
        uint256 amount = _outbound().relayerRewards[account];
        if (amount == 0) revert NothingToClaim();
        _outbound().relayerRewards[account] = 0;
        _pay(msg.sender, amount);
        emit RewardsClaimed(account, msg.sender, amount);
    }

    /// @notice Pays the caller the fees of its expired messages.
    function withdrawFeeRefund() external nonReentrant {
        uint256 amount = _outbound().feeRefunds[msg.sender];
        if (amount == 0) revert NothingToClaim();
        _outbound().feeRefunds[msg.sender] = 0;
        _pay(msg.sender, amount);
    }

    /// @notice The hub account of a secp256k1 public key (64 bytes, x ++ y): `blake2_256` of the
    /// 33-byte compressed key, computed with the BLAKE2b compression precompile (EIP-152).
    function hubAccountOf(bytes calldata publicKey) public view returns (bytes32 account) {
        bytes1 prefix = uint8(publicKey[63]) % 2 == 0 ? bytes1(0x02) : bytes1(0x03);
        bytes memory input = abi.encodePacked(
            uint32(12), // rounds
            BLAKE2B_256_IV, // h: the IV, parameter block xored in (digest 32 bytes, no key)
            prefix,
            publicKey[0:32],
            new bytes(95), // the 128-byte block, zero-padded
            bytes8(0x2100000000000000), // t0 = 33 bytes, little-endian
            bytes8(0),
            bytes1(0x01) // the final block
        );
        (bool ok, bytes memory h) = address(0x09).staticcall(input);
        if (!ok || h.length != 64) revert Blake2Unavailable();
        assembly {
            account := mload(add(h, 32))
        }
    }

    /// @dev BLAKE2b's IV with the parameter block for a 32-byte digest (`0x01010020`) xored into
    /// its first word, as the eight little-endian words the precompile takes.
    bytes internal constant BLAKE2B_256_IV =
        hex"28c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b";

    /// @dev Gives a failed or expired transfer back to its payer: unlocks a local token, mints a
    /// wrapped one back.
    function _refund(SentMessage memory sent) private {
        if (_isWrapped(sent.token)) {
            WrappedHubToken(sent.token).mint(sent.payer, sent.amount);
        } else {
            _outbound().locked[sent.token] -= sent.amount;
            IERC20(sent.token).safeTransfer(sent.payer, sent.amount);
        }
    }

    /// @dev Whether the gateway made `token` (the hub's own token is home 0, id 0, the default
    /// of `hubTokenOf`: only `wrappedOf` tells).
    function _isWrapped(address token) private view returns (bool) {
        HubToken memory hubToken = _outbound().hubTokenOf[token];
        return _inbound().wrappedOf[_hubTokenKey(hubToken.home, hubToken.id)] == token;
    }

    function _pay(address to, uint256 amount) private {
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert PaymentFailed();
    }

    function _address(bytes32 value) private pure returns (address) {
        if (uint256(value) >> 160 != 0) revert NotAnAddress(value);
        return address(uint160(uint256(value)));
    }
}
