// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The gateway's settlement legs, in ERC-7201 namespaced storage.
/// @notice The hub's atomic settlements (app id 3): which parties signed up to which settlement
/// here, and each leg this chain holds for one, by (settlement id, terms, leg index). A leg is locked
/// only on the hub's prepare order and for a party that signed up, and released only on the
/// hub's commit (to its counterparty) or abort (back to its owner), each at most once.
abstract contract GatewaySettlementStorage {
    /// @notice Where a leg is on this chain.
    enum LegState {
        // Never seen.
        None,
        // Held by the gateway for the settlement.
        Locked,
        // Paid to the counterparty on the hub's commit.
        Released,
        // Back with its owner on the hub's abort.
        Returned,
        // Aborted before anything was locked: it never will be.
        Closed
    }

    /// @notice A leg this chain holds or held.
    struct SettlementLeg {
        address token;
        address from;
        address to;
        uint128 amount;
        LegState state;
    }

    /// @custom:storage-location erc7201:fusion-hub.gateway.settlement
    struct SettlementStorage {
        // The terms hash each party signed up to, by settlement.
        mapping(bytes32 id => mapping(address party => bytes32 terms)) signedUp;
        // Legs by keccak256(abi.encode(id, terms, leg)).
        mapping(bytes32 key => SettlementLeg) legs;
        // Payments of settled legs the token refused to make (a paused token, a blocked
        // recipient): the recipient takes them with `claimSettlementPayment`.
        mapping(address token => mapping(address party => uint256 amount)) owed;
    }

    // keccak256(abi.encode(uint256(keccak256("fusion-hub.gateway.settlement")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SETTLEMENT_STORAGE_LOCATION =
        0x1044c3dcb1b4757fe1b6f92b17fad265d916b3c5f98ec71ed7d5c0cab1d02700;

    function _settlements() internal pure returns (SettlementStorage storage $) {
        assembly {
            $.slot := SETTLEMENT_STORAGE_LOCATION
        }
    }

    function _legKey(bytes32 id, bytes32 terms, uint8 leg) internal pure returns (bytes32) {
        return keccak256(abi.encode(id, terms, leg));
    }

    /// @notice Leg `leg` of settlement `id` with terms hash `terms`, as this chain holds it.
    function settlementLeg(bytes32 id, bytes32 terms, uint8 leg) external view returns (SettlementLeg memory) {
        return _settlements().legs[_legKey(id, terms, leg)];
    }

    /// @notice What the gateway owes `party` of `token` for settled legs it could not pay.
    function settlementOwed(address token, address party) external view returns (uint256) {
        return _settlements().owed[token][party];
    }

    /// @notice The terms `party` signed up to for settlement `id` here (zero if none).
    function settlementSignUp(bytes32 id, address party) external view returns (bytes32) {
        return _settlements().signedUp[id][party];
    }
}
