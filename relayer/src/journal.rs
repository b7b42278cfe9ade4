//! What a signer has signed, kept on disk before any signature leaves the process: after a
//! crash or `kill -9` it still never signs a second, different payload for a height it signed.
//!
//! The file is append-only, one line per signature: `<key> <keccak256(payload) hex>`. A line is
//! written and `fsync`ed before the signature is returned; a torn last line (a crash in the
//! middle of a write) is ignored on load, which is safe because its signature was never
//! returned.

use anyhow::{bail, Context, Result};
use std::{
	collections::HashMap,
	fs::{File, OpenOptions},
	io::{BufRead, BufReader, Write},
	path::{Path, PathBuf},
};

/// What the journal says of a payload for a key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Entry {
	/// Nothing signed for the key yet.
	New,
	/// This very payload was signed before: signing it again is harmless.
	Same,
}

/// The journal of one signer.
pub struct Journal {
	path: PathBuf,
	file: File,
	signed: HashMap<String, [u8; 32]>,
}

impl Journal {
	/// Opens (or creates) the journal at `path` and loads what it holds.
	pub fn open(path: &Path) -> Result<Self> {
		let mut signed = HashMap::new();
		if path.exists() {
			let reader = BufReader::new(
				File::open(path).with_context(|| format!("opening {}", path.display()))?,
			);
			for line in reader.lines() {
				let line = line?;
				let Some((key, hash)) = line.split_once(' ') else { continue };
				let Ok(bytes) = hex::decode(hash) else { continue };
				let Ok(hash) = <[u8; 32]>::try_from(bytes.as_slice()) else { continue };
				if let Some(previous) = signed.insert(key.to_string(), hash) {
					if previous != hash {
						bail!("{} holds two payloads for {key}: refusing to start", path.display());
					}
				}
			}
		}
		let file = OpenOptions::new()
			.create(true)
			.append(true)
			.open(path)
			.with_context(|| format!("opening {} for writing", path.display()))?;
		Ok(Self { path: path.to_path_buf(), file, signed })
	}

	/// Records that `payload_hash` is signed for `key`, on disk, unless a different payload was
	/// signed for it: that is refused.
	pub fn record(&mut self, key: &str, payload_hash: [u8; 32]) -> Result<Entry> {
		assert!(!key.contains(' ') && !key.contains('\n'), "journal keys are single words");
		match self.signed.get(key) {
			Some(previous) if *previous == payload_hash => return Ok(Entry::Same),
			Some(previous) => bail!(
				"refusing to sign {key} again: 0x{} was signed for it, not 0x{}",
				hex::encode(previous),
				hex::encode(payload_hash)
			),
			None => {},
		}
		// A torn line left by a crash gets its own line: start on a fresh one.
		writeln!(self.file, "\n{key} {}", hex::encode(payload_hash))?;
		self.file.sync_data().with_context(|| format!("syncing {}", self.path.display()))?;
		self.signed.insert(key.to_string(), payload_hash);
		Ok(Entry::New)
	}

	/// How many keys are signed.
	pub fn len(&self) -> usize {
		self.signed.len()
	}

	/// Whether nothing is signed.
	pub fn is_empty(&self) -> bool {
		self.signed.is_empty()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temp_path(name: &str) -> PathBuf {
		let path =
			std::env::temp_dir().join(format!("fusion-journal-{}-{name}", std::process::id()));
		let _ = std::fs::remove_file(&path);
		path
	}

	#[test]
	fn a_second_payload_for_a_key_is_refused_after_a_restart_too() {
		let path = temp_path("restart");
		let mut journal = Journal::open(&path).unwrap();
		assert_eq!(journal.record("checkpoint/11/0/5", [1; 32]).unwrap(), Entry::New);
		assert_eq!(journal.record("checkpoint/11/0/5", [1; 32]).unwrap(), Entry::Same);
		assert!(journal.record("checkpoint/11/0/5", [2; 32]).is_err());
		assert_eq!(journal.record("checkpoint/11/0/6", [2; 32]).unwrap(), Entry::New);
		drop(journal);

		let mut reopened = Journal::open(&path).unwrap();
		assert_eq!(reopened.len(), 2);
		assert_eq!(reopened.record("checkpoint/11/0/5", [1; 32]).unwrap(), Entry::Same);
		let refusal = reopened.record("checkpoint/11/0/5", [3; 32]).unwrap_err();
		assert!(refusal.to_string().contains("refusing to sign checkpoint/11/0/5"));
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_torn_last_line_is_ignored_and_the_next_line_starts_fresh() {
		let path = temp_path("torn");
		std::fs::write(
			&path,
			format!("header/7/0/1 {}\nheader/7/0/2 abcd", hex::encode([9u8; 32])),
		)
		.unwrap();
		let mut journal = Journal::open(&path).unwrap();
		assert_eq!(journal.len(), 1);
		assert_eq!(journal.record("header/7/0/2", [4; 32]).unwrap(), Entry::New);
		drop(journal);
		let journal = Journal::open(&path).unwrap();
		assert_eq!(journal.len(), 2);
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_journal_with_two_payloads_for_a_key_does_not_start() {
		let path = temp_path("conflict");
		std::fs::write(
			&path,
			format!("k {}\nk {}\n", hex::encode([1u8; 32]), hex::encode([2u8; 32])),
		)
		.unwrap();
		assert!(Journal::open(&path).is_err());
		std::fs::remove_file(&path).unwrap();
	}
}
