// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The gateway's inbound channel state, in ERC-7201 namespaced storage.
/// @notice The hub proves this state with `eth_getProof`, so its layout is part of the protocol:
/// the slot of `delivered[source]` is `keccak256(abi.encode(uint256(source), INBOUND_STORAGE_LOCATION))`
/// and its value is the `uint64` right-aligned in the 32-byte word. A namespaced location keeps the
/// layout fixed whatever else an inheriting contract (or an upgrade) declares.
abstract contract GatewayInboundStorage {
    /// @custom:storage-location erc7201:fusion-hub.gateway.inbound
    struct InboundStorage {
        // First member, so the mapping sits exactly at the base slot.
        mapping(uint32 source => uint64 lastDelivered) delivered;
        // The outbound roots of the hub for this chain that its notaries certified, by hub block.
        mapping(uint32 hubBlock => bytes32 root) hubRoots;
        // The leaf of the receipt written for each delivered message.
        mapping(uint32 source => mapping(uint64 nonce => bytes32 leaf)) receipts;
        // The wrapped token of each token whose home is elsewhere, by keccak256(home, id).
        mapping(bytes32 hubToken => address wrapped) wrappedOf;
    }

    // keccak256(abi.encode(uint256(keccak256("fusion-hub.gateway.inbound")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant INBOUND_STORAGE_LOCATION =
        0x802715ed4251621cbdb917d755785607591042ac07b04bf15b3ca70e6465ca00;

    function _inbound() internal pure returns (InboundStorage storage $) {
        assembly {
            $.slot := INBOUND_STORAGE_LOCATION
        }
    }

    /// @notice The nonce of the last message from `source` delivered here (0 if none).
    function inboundNonce(uint32 source) external view returns (uint64) {
        return _inbound().delivered[source];
    }

    /// @notice The certified outbound root of the hub for this chain in `hubBlock` (0 if none).
    function hubRoot(uint32 hubBlock) external view returns (bytes32) {
        return _inbound().hubRoots[hubBlock];
    }

    /// @notice The leaf of the receipt of message (`source`, `nonce`), once delivered.
    function receiptLeaf(uint32 source, uint64 nonce) external view returns (bytes32) {
        return _inbound().receipts[source][nonce];
    }

    /// @notice The wrapped token this gateway minted for token `id` of chain `home` (0 if none).
    function wrappedToken(uint32 home, bytes32 id) external view returns (address) {
        return _inbound().wrappedOf[_hubTokenKey(home, id)];
    }

    /// @dev The key of token `id` of chain `home` in `wrappedOf` (and the CREATE2 salt of its
    /// wrapped token).
    function _hubTokenKey(uint32 home, bytes32 id) internal pure returns (bytes32) {
        return keccak256(abi.encode(home, id));
    }
}
