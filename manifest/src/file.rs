//! Reading `module.toml` from disk without trusting its size.

use std::io::Read;
use std::path::Path;

use semver::Version;

use crate::MAX_MANIFEST_BYTES;
use crate::error::{ManifestError, ManifestErrorCode, ManifestErrors};
use crate::model::Verified;
use crate::verify::{FILE_PATH, decode, too_large, verify_text};

/// Reads at most [`MAX_MANIFEST_BYTES`] + 1 bytes, so a huge or endless file (a FIFO, a
/// device) is refused without being read whole, then verifies the text.
pub(crate) fn verify_file(path: &Path, host_core: &Version) -> Result<Verified, ManifestErrors> {
    let io_error = |error: std::io::Error| {
        ManifestError::new(
            FILE_PATH,
            ManifestErrorCode::Io,
            format!("cannot read {}: {error}", path.display()),
            "check that the file exists, is a regular file and is readable",
        )
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let declared = file.metadata().map_err(io_error)?.len();
    if declared > MAX_MANIFEST_BYTES as u64 {
        return Err(too_large(declared, true).into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_MANIFEST_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(too_large(MAX_MANIFEST_BYTES as u64, false).into());
    }
    let text = decode(&bytes)?;
    verify_text(text, host_core)
}
