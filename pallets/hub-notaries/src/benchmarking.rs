//! Benchmarks of the notaries' calls, each at its worst case.

use crate::{pallet::*, Pallet as HubNotaries};
use alloc::vec::Vec;
use fusion_hub_primitives::{
	attestation::{ethereum_personal_digest, recover_ethereum_address},
	notary::{Checkpoint, SignedCheckpoint},
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{EnsureOrigin, Get},
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor, RawOrigin},
	sp_core::{crypto::KeyTypeId, ecdsa, H160, H256},
	sp_io::crypto,
};

const KEYS: KeyTypeId = KeyTypeId(*b"fhnb");

/// A notary key in the keystore, with its address.
struct Notary {
	public: ecdsa::Public,
	address: H160,
}

impl Notary {
	fn generate(i: u32) -> Self {
		// A raw 32-byte secret: a derivation path would cost a PBKDF2 per key.
		let seed = alloc::format!("0x{:064x}", u64::from(i) + 1).into_bytes();
		let public = crypto::ecdsa_generate(KEYS, Some(seed));
		let digest = [1u8; 32];
		let signature = crypto::ecdsa_sign_prehashed(KEYS, &public, &digest).expect("fresh key");
		let address = recover_ethereum_address(&signature, &digest).expect("recovers");
		Notary { public, address }
	}

	fn sign(&self, payload: &[u8]) -> ecdsa::Signature {
		crypto::ecdsa_sign_prehashed(KEYS, &self.public, &ethereum_personal_digest(payload))
			.expect("key in the keystore")
	}
}

/// `count` notaries from `first`, sorted by address.
fn notaries(first: u32, count: u32) -> Vec<Notary> {
	let mut notaries: Vec<_> = (first..first + count).map(Notary::generate).collect();
	notaries.sort_by_key(|notary| notary.address);
	notaries
}

/// The smallest Byzantine threshold of `n`.
fn byzantine(n: u32) -> u32 {
	2 * n / 3 + 1
}

fn members<T: Config>(notaries: &[Notary]) -> BoundedVec<H160, T::MaxNotaries> {
	BoundedVec::truncate_from(notaries.iter().map(|notary| notary.address).collect())
}

/// Installs `notaries` as the current set (whatever the genesis had), with nothing scheduled;
/// returns its id.
fn install<T: Config>(notaries: &[Notary]) -> u64 {
	let id = NextSetId::<T>::get();
	let set = HubNotaries::<T>::new_set(
		id,
		byzantine(notaries.len() as u32),
		members::<T>(notaries).into_inner(),
	)
	.expect("a valid set");
	NextSetId::<T>::put(id + 1);
	ScheduledSet::<T>::kill();
	CurrentSet::<T>::put(set);
	id
}

fn checkpoint(set_id: u64, hub_block: u32, root: H256) -> Checkpoint {
	Checkpoint {
		destination: 1_000,
		set_id,
		hub_block,
		hub_block_hash: H256::repeat_byte(7),
		hub_timestamp: 6_000,
		root,
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// With a current set, so the new one is scheduled; members given in descending order.
	#[benchmark]
	fn schedule_rotation(n: Linear<1, { T::MaxNotaries::get() }>) {
		install::<T>(&notaries(1_000, 1));
		let mut next: Vec<H160> = (0..n)
			.map(|i| {
				let mut address = [0u8; 20];
				address[12..].copy_from_slice(&(u64::from(i) + 1).to_be_bytes());
				H160(address)
			})
			.collect();
		next.reverse();
		let origin = T::GovernanceOrigin::try_successful_origin().expect("an origin");

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, byzantine(n), BoundedVec::truncate_from(next));

		assert_eq!(ScheduledSet::<T>::get().map(|set| set.members.len() as u32), Some(n));
	}

	#[benchmark]
	fn cancel_rotation() {
		install::<T>(&notaries(1_000, 1));
		HubNotaries::<T>::do_schedule_rotation(1, alloc::vec![H160::repeat_byte(1)])
			.expect("a valid set");
		let origin = T::GovernanceOrigin::try_successful_origin().expect("an origin");

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);

		assert!(ScheduledSet::<T>::get().is_none());
	}

	/// `s` signatures of a current set of `s` members; the kept handovers full (one is pruned)
	/// and the set dropping out with all its members reported.
	#[benchmark]
	fn submit_handover(s: Linear<1, { T::MaxNotaries::get() }>) {
		let max = T::MaxNotaries::get();
		// This set becomes the previous one of the handover below, with every member reported.
		install::<T>(&notaries(10_000, max));
		let dropping = CurrentSet::<T>::get().expect("installed");
		for member in dropping.members.iter() {
			Offenders::<T>::insert(dropping.id, member, Offence::Equivocation);
		}
		let current = notaries(0, s);
		install::<T>(&current);
		PreviousSet::<T>::put(dropping);
		let mut kept = KeptHandovers::<T>::get();
		for id in 0..T::HandoversToKeep::get() {
			let handover = crate::NotaryHandoverOf::<T> {
				from_set_id: 0,
				next: CurrentSet::<T>::get().expect("set"),
				signatures: BoundedVec::new(),
			};
			Handovers::<T>::insert(u64::from(id) + 100, handover);
			kept.force_push(u64::from(id) + 100);
		}
		KeptHandovers::<T>::put(kept);

		let next = notaries(20_000, max);
		HubNotaries::<T>::do_schedule_rotation(byzantine(max), members::<T>(&next).into_inner())
			.expect("a valid set");
		let current_set = CurrentSet::<T>::get().expect("set");
		let scheduled = ScheduledSet::<T>::get().expect("scheduled");
		let payload = fusion_hub_primitives::notary::handover_payload(
			HubNotaries::<T>::hub_genesis(),
			current_set.id,
			scheduled.id,
			scheduled.threshold,
			&scheduled.members,
		);
		let signatures =
			BoundedVec::truncate_from(current.iter().map(|n| n.sign(&payload)).collect());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), signatures);

		assert_eq!(CurrentSet::<T>::get().map(|set| set.id), Some(scheduled.id));
	}

	#[benchmark]
	fn report_equivocation() {
		let set = notaries(0, T::MaxNotaries::get());
		let set_id = install::<T>(&set);
		let genesis = HubNotaries::<T>::hub_genesis();
		let sign = |checkpoint: Checkpoint| SignedCheckpoint {
			checkpoint,
			signature: set[0].sign(&checkpoint.payload(genesis)),
		};
		let first = sign(checkpoint(set_id, 5, H256::repeat_byte(1)));
		let second = sign(checkpoint(set_id, 5, H256::repeat_byte(2)));
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), first, second);

		assert!(Offenders::<T>::contains_key(set_id, set[0].address));
	}

	/// The checkpoint's hash is the hub's, so its root is read and found false.
	#[benchmark]
	fn report_false_checkpoint() {
		let set = notaries(0, T::MaxNotaries::get());
		let set_id = install::<T>(&set);
		let block = 5u32;
		frame_system::BlockHash::<T>::insert(
			BlockNumberFor::<T>::from(block),
			H256::repeat_byte(7),
		);
		frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::from(block + 1));
		let checkpoint = checkpoint(set_id, block, H256::repeat_byte(1));
		let signed = SignedCheckpoint {
			checkpoint,
			signature: set[0].sign(&checkpoint.payload(HubNotaries::<T>::hub_genesis())),
		};
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), signed);

		assert!(Offenders::<T>::contains_key(set_id, set[0].address));
	}

	impl_benchmark_test_suite!(HubNotaries, crate::mock::new_test_ext(), crate::mock::Test);
}
