// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @title The hub's notary set, as an EVM chain verifies it.
/// @notice A k-of-n set of secp256k1 keys governed on the hub signs checkpoints of the hub's
/// outbound root for a destination; a contract on the destination verifies them here instead of
/// following the hub's consensus. The set changes only by a handover signed by the current set.
/// Payloads are specified byte for byte in docs/protocol.md ("Hub notary checkpoints"); each
/// member signs the EIP-191 personal message of `keccak256(payload)`, as the hub's ECDSA
/// committees do.
abstract contract HubNotaries {
    /// @notice Domain tag of a checkpoint payload.
    bytes16 public constant CHECKPOINT_DOMAIN = "FUSION-HUB/CKP/1";
    /// @notice Domain tag of a notary-set handover payload.
    bytes16 public constant HANDOVER_DOMAIN = "FUSION-HUB/NHO/1";
    /// @notice Most members of a notary set.
    uint256 public constant MAX_NOTARIES = 64;

    /// @notice What the notaries sign about the hub: its outbound root for `destination` in hub
    /// block `hubBlock`.
    struct Checkpoint {
        uint32 destination;
        uint64 setId;
        uint32 hubBlock;
        bytes32 hubBlockHash;
        uint64 hubTimestamp;
        bytes32 root;
    }

    /// @notice The hub this contract trusts: its genesis hash.
    bytes32 public immutable hubGenesisHash;

    /// @notice The current set's id, threshold and members (ascending addresses).
    uint64 public notarySetId;
    uint32 public notaryThreshold;
    address[] private _notaries;
    mapping(address => bool) public isNotary;

    event NotarySetChanged(uint64 indexed setId, uint32 threshold, address[] members);

    /// @notice A checkpoint or handover of another set id than the current one.
    error WrongNotarySet(uint64 expected, uint64 got);
    /// @notice Fewer signatures than the threshold.
    error BelowThreshold(uint256 signatures, uint32 threshold);
    /// @notice A signature that does not recover (malformed, or not canonical: high s).
    error InvalidSignature(uint256 index);
    /// @notice A signature by a key outside the set.
    error UnknownNotary(address signer);
    /// @notice Signers must be in strictly ascending address order: no duplicates.
    error SignersNotSorted(uint256 index);
    /// @notice A set whose threshold is not a Byzantine supermajority (`2n < 3k <= 3n`), or
    /// empty, too large, unsorted or with the zero address.
    error InvalidNotarySet();
    /// @notice A handover must move the set id strictly forward.
    error SetIdNotIncreased();

    constructor(bytes32 hubGenesisHash_, uint64 setId, uint32 threshold, address[] memory members) {
        hubGenesisHash = hubGenesisHash_;
        _install(setId, threshold, members);
    }

    /// @notice The current set's members.
    function notaries() external view returns (address[] memory) {
        return _notaries;
    }

    /// @notice The payload of `checkpoint` for this hub.
    function checkpointPayload(Checkpoint memory checkpoint) public view returns (bytes memory) {
        return abi.encodePacked(
            CHECKPOINT_DOMAIN,
            hubGenesisHash,
            checkpoint.destination,
            checkpoint.setId,
            checkpoint.hubBlock,
            checkpoint.hubBlockHash,
            checkpoint.hubTimestamp,
            checkpoint.root
        );
    }

    /// @notice The payload of a handover from the current set to (`nextSetId`, `threshold`,
    /// `members`) on this hub.
    function handoverPayload(uint64 currentSetId, uint64 nextSetId, uint32 threshold, address[] memory members)
        public
        view
        returns (bytes memory)
    {
        return abi.encodePacked(
            HANDOVER_DOMAIN, hubGenesisHash, currentSetId, nextSetId, threshold, uint32(members.length), members
        );
    }

    /// @notice Reverts unless at least the threshold of the current set signed `checkpoint`.
    function verifyCheckpoint(Checkpoint memory checkpoint, bytes[] calldata signatures) public view {
        if (checkpoint.setId != notarySetId) revert WrongNotarySet(notarySetId, checkpoint.setId);
        _verify(checkpointPayload(checkpoint), signatures);
    }

    /// @notice Installs the next notary set, on a handover signed by the current one.
    function rotateNotaries(uint64 nextSetId, uint32 threshold, address[] calldata members, bytes[] calldata signatures)
        external
    {
        if (nextSetId <= notarySetId) revert SetIdNotIncreased();
        _verify(handoverPayload(notarySetId, nextSetId, threshold, members), signatures);
        _install(nextSetId, threshold, members);
    }

    /// @dev Signatures of distinct current members, in ascending signer order, at least the
    /// threshold of them, each over the EIP-191 message of `keccak256(payload)`.
    function _verify(bytes memory payload, bytes[] calldata signatures) private view {
        if (signatures.length < notaryThreshold) revert BelowThreshold(signatures.length, notaryThreshold);
        bytes32 digest = MessageHashUtils.toEthSignedMessageHash(keccak256(payload));
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            // OpenZeppelin refuses malleable (high-s) signatures and bad `v`.
            (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signatures[i]);
            if (error != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            if (signer <= previous) revert SignersNotSorted(i);
            if (!isNotary[signer]) revert UnknownNotary(signer);
            previous = signer;
        }
    }

    function _install(uint64 setId, uint32 threshold, address[] memory members) private {
        uint256 n = members.length;
        if (n == 0 || n > MAX_NOTARIES) revert InvalidNotarySet();
        // A Byzantine supermajority, as the hub requires of its committees.
        if (3 * uint256(threshold) <= 2 * n || uint256(threshold) > n) revert InvalidNotarySet();
        for (uint256 i = 0; i < _notaries.length; ++i) {
            isNotary[_notaries[i]] = false;
        }
        address previous = address(0);
        for (uint256 i = 0; i < n; ++i) {
            if (members[i] <= previous) revert InvalidNotarySet();
            isNotary[members[i]] = true;
            previous = members[i];
        }
        _notaries = members;
        notarySetId = setId;
        notaryThreshold = threshold;
        emit NotarySetChanged(setId, threshold, members);
    }
}
