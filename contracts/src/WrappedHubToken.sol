// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title An ERC-20 standing for a token whose home is another chain (FUSE, or another peer's
/// token), minted and burned only by the gateway that deployed it.
contract WrappedHubToken is ERC20 {
    /// @notice The gateway: the only minter and burner.
    address public immutable gateway;
    uint8 private immutable _decimals;

    /// @notice Only the gateway mints and burns.
    error NotGateway(address caller);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        gateway = msg.sender;
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    modifier onlyGateway() {
        if (msg.sender != gateway) revert NotGateway(msg.sender);
        _;
    }

    /// @notice Mints `amount` to `to`: a transfer from the token's home arrived.
    function mint(address to, uint256 amount) external onlyGateway {
        _mint(to, amount);
    }

    /// @notice Burns `amount` of `from`'s tokens, within what `from` allowed the gateway: a
    /// transfer back home left.
    function burnFrom(address from, uint256 amount) external onlyGateway {
        _spendAllowance(from, gateway, amount);
        _burn(from, amount);
    }
}
