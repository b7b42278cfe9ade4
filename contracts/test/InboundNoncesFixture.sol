// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {GatewayInboundStorage} from "../src/GatewayInboundStorage.sol";

/// @notice Test fixture only: sets inbound nonces directly, so storage proofs can be taken of
/// known values without running the gateway's delivery path.
contract InboundNoncesFixture is GatewayInboundStorage {
    function setDelivered(uint32 source, uint64 nonce) external {
        _inbound().delivered[source] = nonce;
    }
}
