// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The gateway's outbound channel state, in ERC-7201 namespaced storage.
/// @notice What the gateway sent to the hub (and through it to other peers): the last nonce of
/// each channel, and for each message its leaf and what a refund gives back. Namespaced, like
/// the inbound state, so that its layout stays fixed whatever an inheriting contract declares.
abstract contract GatewayOutboundStorage {
    /// @notice What a refund of a sent message gives back, and to whom.
    struct SentMessage {
        // The message's StandardMerkleTree leaf: receipts and proofs of non-receipt name it.
        bytes32 leaf;
        // Who paid: the refund's recipient.
        address payer;
        // The ERC-20 locked or burned (zero for a data record).
        address token;
        uint128 amount;
        // The fee paid in the chain's native currency, held for the relayer of the receipt.
        uint128 fee;
    }

    /// @custom:storage-location erc7201:fusion-hub.gateway.outbound
    struct OutboundStorage {
        mapping(uint32 destination => uint64 lastSent) nonces;
        mapping(uint32 destination => mapping(uint64 nonce => SentMessage)) sent;
        // What the gateway holds of each token whose home is this chain: locked by sends, given
        // back by deliveries from the hub (never more than is locked).
        mapping(address token => uint256 amount) locked;
        // The hub token each wrapped token of this gateway stands for.
        mapping(address wrapped => HubToken) hubTokenOf;
        // Fees earned by relayers, by the hub account the hub's receipts name.
        mapping(bytes32 hubAccount => uint256 amount) relayerRewards;
        // Fees of expired messages, owed back to their payers.
        mapping(address payer => uint256 amount) feeRefunds;
    }

    /// @notice A token whose home is another chain: its home and its id there.
    struct HubToken {
        uint32 home;
        bytes32 id;
    }

    /// @notice What the gateway holds locked of `token`.
    function lockedAmount(address token) external view returns (uint256) {
        return _outbound().locked[token];
    }

    /// @notice The fees the relayer with hub account `hubAccount` earned here.
    function relayerReward(bytes32 hubAccount) external view returns (uint256) {
        return _outbound().relayerRewards[hubAccount];
    }

    /// @notice The fees owed back to `payer` for its expired messages.
    function feeRefund(address payer) external view returns (uint256) {
        return _outbound().feeRefunds[payer];
    }

    // keccak256(abi.encode(uint256(keccak256("fusion-hub.gateway.outbound")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant OUTBOUND_STORAGE_LOCATION =
        0x82b2c7f851996ecc87cdcd340d617b54c0398cea3696f8175f595b098c66a100;

    function _outbound() internal pure returns (OutboundStorage storage $) {
        assembly {
            $.slot := OUTBOUND_STORAGE_LOCATION
        }
    }

    /// @notice The nonce of the last message sent to `destination` (0 if none).
    function outboundNonce(uint32 destination) external view returns (uint64) {
        return _outbound().nonces[destination];
    }

    /// @notice The message sent to `destination` with `nonce`, as a refund would need it.
    function sentMessage(uint32 destination, uint64 nonce) external view returns (SentMessage memory) {
        return _outbound().sent[destination][nonce];
    }
}
