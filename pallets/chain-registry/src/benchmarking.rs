//! Benchmarks of every call, and of `ChainRegistry::freeze`, with worst-case inputs: names of
//! `MaxNameLength` bytes, configurations of up to `MaxCommitteeSize` members or
//! `MaxGrandpaAuthorities` authorities, and for the calls without a configuration argument a
//! stored record holding the larger of the two largest configurations.

use crate::*;
use alloc::vec::Vec;
use codec::MaxEncodedLen;
use fusion_hub_primitives::{
	ChainId, ChainKind, ChainRegistry as _, ChainStatus, CommitteeConfig, CommitteeKey,
	GrandpaAuthority, GrandpaConfig, TrustedHeader, VerifierConfig,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		assert_ok,
		traits::{fungible, EnsureOrigin, Get},
	},
	frame_system::{self, RawOrigin},
	sp_core::{ed25519, sr25519, H256},
	sp_runtime::{traits::Saturating, BoundedVec},
};

const CHAIN_ID: ChainId = 1_000;

/// 32 distinct bytes for key number `i`.
fn key_bytes(i: u32) -> [u8; 32] {
	let mut raw = [0u8; 32];
	raw[..4].copy_from_slice(&i.to_le_bytes());
	raw
}

fn max_name<T: Config>() -> ChainNameOf<T> {
	BoundedVec::try_from(alloc::vec![b'n'; T::MaxNameLength::get() as usize])
		.expect("exactly MaxNameLength bytes; qed")
}

fn committee<T: Config>(c: u32) -> VerifierConfigOf<T> {
	let members: Vec<CommitteeKey> =
		(0..c).map(|i| CommitteeKey::Sr25519(sr25519::Public::from_raw(key_bytes(i)))).collect();
	VerifierConfig::Committee(CommitteeConfig {
		members: BoundedVec::try_from(members).expect("c <= MaxCommitteeSize; qed"),
		threshold: c,
		set_id: 0,
	})
}

fn grandpa<T: Config>(a: u32) -> VerifierConfigOf<T> {
	let authorities: Vec<GrandpaAuthority> = (0..a)
		.map(|i| GrandpaAuthority { id: ed25519::Public::from_raw(key_bytes(i)), weight: 1 })
		.collect();
	VerifierConfig::Grandpa(GrandpaConfig {
		set_id: 0,
		authorities: BoundedVec::try_from(authorities).expect("a <= MaxGrandpaAuthorities; qed"),
		trusted_header: TrustedHeader {
			hash: H256::repeat_byte(1),
			number: 1,
			state_root: H256::repeat_byte(2),
		},
	})
}

/// `verifier` with set id 1: what `update_verifier` accepts after a verifier of set 0.
fn next_set<T: Config>(mut verifier: VerifierConfigOf<T>) -> VerifierConfigOf<T> {
	match &mut verifier {
		VerifierConfig::Committee(committee) => committee.set_id = 1,
		VerifierConfig::Grandpa(grandpa) => grandpa.set_id = 1,
		VerifierConfig::RelayChain => {},
	}
	verifier
}

/// The larger of a full committee and a full GRANDPA set; both suit a Substrate chain.
fn largest_verifier<T: Config>() -> VerifierConfigOf<T> {
	let committee_len = CommitteeConfig::<T::MaxCommitteeSize>::max_encoded_len();
	let grandpa_len = GrandpaConfig::<T::MaxGrandpaAuthorities>::max_encoded_len();
	if grandpa_len > committee_len {
		grandpa::<T>(T::MaxGrandpaAuthorities::get())
	} else {
		committee::<T>(T::MaxCommitteeSize::get())
	}
}

fn substrate_chain() -> ChainKind {
	ChainKind::SubstrateChain { genesis_hash: H256::repeat_byte(3) }
}

/// An account that can pay a deposit several times over.
fn funded_operator<T: Config>() -> T::AccountId {
	let operator: T::AccountId = whitelisted_caller();
	let deposit = T::ChainDeposit::get();
	let minimum = <T::Currency as fungible::Inspect<T::AccountId>>::minimum_balance();
	let _ = <T::Currency as fungible::Mutate<T::AccountId>>::set_balance(
		&operator,
		deposit.saturating_mul(10u32.into()).saturating_add(minimum),
	);
	operator
}

/// Stores chain `CHAIN_ID` with the largest verifier, the longest name, and `status`.
fn registered<T: Config>(status: ChainStatus) -> T::AccountId {
	let operator = funded_operator::<T>();
	assert_ok!(Pallet::<T>::do_propose_chain(
		operator.clone(),
		CHAIN_ID,
		max_name::<T>(),
		substrate_chain(),
		largest_verifier::<T>(),
	));
	if status != ChainStatus::Proposed {
		Chains::<T>::mutate(CHAIN_ID, |record| {
			if let Some(record) = record {
				record.status = status;
			}
		});
	}
	operator
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(event.into());
}

fn status_of<T: Config>(chain_id: ChainId) -> Option<ChainStatus> {
	Chains::<T>::get(chain_id).map(|record| record.status)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn propose_chain_committee(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let operator = funded_operator::<T>();
		let verifier = next_set::<T>(committee::<T>(c));

		#[extrinsic_call]
		propose_chain(
			RawOrigin::Signed(operator),
			CHAIN_ID,
			max_name::<T>(),
			substrate_chain(),
			verifier,
		);

		assert_eq!(status_of::<T>(CHAIN_ID), Some(ChainStatus::Proposed));
	}

	#[benchmark]
	fn propose_chain_grandpa(a: Linear<1, { T::MaxGrandpaAuthorities::get() }>) {
		let operator = funded_operator::<T>();
		let verifier = grandpa::<T>(a);

		#[extrinsic_call]
		propose_chain(
			RawOrigin::Signed(operator),
			CHAIN_ID,
			max_name::<T>(),
			substrate_chain(),
			verifier,
		);

		assert_eq!(status_of::<T>(CHAIN_ID), Some(ChainStatus::Proposed));
	}

	#[benchmark]
	fn approve_chain() -> Result<(), BenchmarkError> {
		registered::<T>(ChainStatus::Proposed);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, CHAIN_ID);

		assert_last_event::<T>(Event::ChainApproved { chain_id: CHAIN_ID });
		Ok(())
	}

	#[benchmark]
	fn reject_chain() -> Result<(), BenchmarkError> {
		let operator = registered::<T>(ChainStatus::Proposed);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, CHAIN_ID);

		assert_last_event::<T>(Event::ChainRejected {
			chain_id: CHAIN_ID,
			operator,
			burned: T::ChainDeposit::get(),
		});
		Ok(())
	}

	#[benchmark]
	fn suspend_chain() -> Result<(), BenchmarkError> {
		registered::<T>(ChainStatus::Active);
		let origin =
			T::EmergencyOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, CHAIN_ID);

		assert_eq!(status_of::<T>(CHAIN_ID), Some(ChainStatus::Suspended));
		Ok(())
	}

	#[benchmark]
	fn resume_chain() -> Result<(), BenchmarkError> {
		registered::<T>(ChainStatus::Frozen);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, CHAIN_ID);

		assert_eq!(status_of::<T>(CHAIN_ID), Some(ChainStatus::Active));
		Ok(())
	}

	#[benchmark]
	fn retire_chain() -> Result<(), BenchmarkError> {
		let operator = registered::<T>(ChainStatus::Active);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, CHAIN_ID);

		assert_last_event::<T>(Event::ChainRetired {
			chain_id: CHAIN_ID,
			operator,
			released: T::ChainDeposit::get(),
		});
		Ok(())
	}

	#[benchmark]
	fn update_verifier_committee(
		c: Linear<1, { T::MaxCommitteeSize::get() }>,
	) -> Result<(), BenchmarkError> {
		registered::<T>(ChainStatus::Active);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let verifier = next_set::<T>(committee::<T>(c));

		#[extrinsic_call]
		update_verifier(origin as T::RuntimeOrigin, CHAIN_ID, verifier.clone());

		assert_eq!(Chains::<T>::get(CHAIN_ID).map(|record| record.verifier), Some(verifier));
		Ok(())
	}

	#[benchmark]
	fn update_verifier_grandpa(
		a: Linear<1, { T::MaxGrandpaAuthorities::get() }>,
	) -> Result<(), BenchmarkError> {
		registered::<T>(ChainStatus::Active);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let verifier = next_set::<T>(grandpa::<T>(a));

		#[extrinsic_call]
		update_verifier(origin as T::RuntimeOrigin, CHAIN_ID, verifier.clone());

		assert_eq!(Chains::<T>::get(CHAIN_ID).map(|record| record.verifier), Some(verifier));
		Ok(())
	}

	#[benchmark]
	fn freeze() -> Result<(), BenchmarkError> {
		registered::<T>(ChainStatus::Suspended);

		#[block]
		{
			Pallet::<T>::freeze(CHAIN_ID)?;
		}

		assert_eq!(status_of::<T>(CHAIN_ID), Some(ChainStatus::Frozen));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
