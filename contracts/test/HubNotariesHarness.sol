// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {HubNotaries} from "../src/HubNotaries.sol";

/// @title HubNotaries on its own, for its tests (`FusionGateway` inherits it).
contract HubNotariesHarness is HubNotaries {
    constructor(bytes32 hubGenesisHash_, uint64 setId, uint32 threshold, address[] memory members)
        HubNotaries(hubGenesisHash_, setId, threshold, members)
    {}
}
