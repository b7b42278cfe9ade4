// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title A test ERC-20 whose home is the EVM chain: its deployer holds the whole supply.
contract TestToken is ERC20 {
    constructor(uint256 supply) ERC20("Test token", "TST") {
        _mint(msg.sender, supply);
    }
}

/// @title A fee-on-transfer token: the recipient gets 1% less than was sent. The gateway refuses
/// it.
contract FeeOnTransferToken is ERC20 {
    constructor(uint256 supply) ERC20("Fee token", "FEE") {
        _mint(msg.sender, supply);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 cut = value / 100;
            super._update(from, address(0), cut);
            value -= cut;
        }
        super._update(from, to, value);
    }
}

/// @title A token that refuses transfers to blocked accounts (as regulated stablecoins do).
contract BlockingToken is ERC20 {
    mapping(address => bool) public blocked;

    constructor(uint256 supply) ERC20("Blocking token", "BLK") {
        _mint(msg.sender, supply);
    }

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        require(!blocked[to], "blocked");
        super._update(from, to, value);
    }
}
