//! What a signer has signed, kept on disk before any signature leaves the process: after a
//! crash or `kill -9` it still never signs a second, different payload for a height it signed.
//!
//! The file is append-only, one line per signature: `<key> <keccak256(payload) hex>`. A line is
//! written and `fsync`ed before the signature is returned (and the directory, when the file is
//! new); a torn last line (a crash in the middle of a write) is cut off on load, which is safe
//! because its signature was never returned. Any other malformed line stops the signer: the
//! journal is not what this process wrote.

use anyhow::{bail, Context, Result};
use std::{
	collections::HashMap,
	fs::{File, OpenOptions},
	io::Write,
	path::{Path, PathBuf},
};

/// A record: a key and a 32-byte hash in hex.
fn parse(line: &str) -> Option<(&str, [u8; 32])> {
	let (key, hash) = line.split_once(' ')?;
	let hash = <[u8; 32]>::try_from(hex::decode(hash).ok()?.as_slice()).ok()?;
	Some((key, hash))
}

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
		let existed = path.exists();
		if existed {
			let content = std::fs::read_to_string(path)
				.with_context(|| format!("reading {}", path.display()))?;
			let mut records = content.trim_end_matches('\n');
			let last_start = records.rfind('\n').map_or(0, |newline| newline + 1);
			if !records.is_empty() && parse(&records[last_start..]).is_none() {
				// A record torn by a crash: its signature never left the process. Cut it off, so
				// the next record starts on a clean line.
				let file = OpenOptions::new().write(true).open(path)?;
				file.set_len(last_start as u64)?;
				file.sync_all()?;
				records = &records[..last_start];
			}
			for (index, line) in records.split('\n').enumerate() {
				if line.is_empty() {
					continue;
				}
				let Some((key, hash)) = parse(line) else {
					bail!("{} line {}: not a journal record", path.display(), index + 1);
				};
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
		if !existed {
			// The new file's name must survive a crash too.
			let directory = path.parent().filter(|parent| !parent.as_os_str().is_empty());
			File::open(directory.unwrap_or(Path::new(".")))?.sync_all()?;
		}
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
		writeln!(self.file, "{key} {}", hex::encode(payload_hash))?;
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
	fn a_torn_last_line_is_cut_off_and_the_next_record_starts_clean() {
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
	fn a_malformed_line_before_the_last_does_not_start() {
		let path = temp_path("malformed");
		std::fs::write(&path, format!("k garbage\nj {}\n", hex::encode([1u8; 32]))).unwrap();
		assert!(Journal::open(&path).is_err());
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
