//! Unit tests of `fingerprint.rs`.

use super::*;

const MIB: u64 = 1024 * 1024;

fn write(dir: &Path, relative: &str, content: &[u8]) {
    let path = dir.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// A small module folder: a manifest and two sources.
fn module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "module.toml", b"name = \"wishlist\"\n");
    write(dir.path(), "src/lib.rs", b"pub fn add() {}\n");
    write(dir.path(), "src/store.rs", b"pub fn store() {}\n");
    dir
}

fn fingerprint_of(dir: &Path) -> Fingerprint {
    fingerprint(dir, &ReloadLimits::default()).unwrap()
}

/// A file of `size` bytes that takes no disk space and no time to write.
fn sparse(dir: &Path, relative: &str, size: u64) {
    write(dir, relative, b"");
    File::options()
        .write(true)
        .open(dir.join(relative))
        .unwrap()
        .set_len(size)
        .unwrap();
}

#[test]
fn the_same_sources_give_the_same_digest_whatever_order_they_were_written_in() {
    let first = module();
    let second = tempfile::tempdir().unwrap();
    write(second.path(), "src/store.rs", b"pub fn store() {}\n");
    write(second.path(), "src/lib.rs", b"pub fn add() {}\n");
    write(second.path(), "module.toml", b"name = \"wishlist\"\n");
    let fingerprint = fingerprint_of(first.path());
    assert_eq!(fingerprint, fingerprint_of(second.path()));
    assert_eq!(fingerprint, fingerprint_of(first.path()));
    assert_eq!(fingerprint.files, 3);
    assert_eq!(fingerprint.bytes, 18 + 16 + 18);
}

#[test]
fn an_edit_changes_the_digest() {
    let dir = module();
    let before = fingerprint_of(dir.path());
    write(dir.path(), "src/lib.rs", b"pub fn add() { }\n");
    assert_ne!(before.digest, fingerprint_of(dir.path()).digest);
}

#[test]
fn an_added_file_changes_the_digest_even_when_empty() {
    let dir = module();
    let before = fingerprint_of(dir.path());
    write(dir.path(), "src/empty.rs", b"");
    let after = fingerprint_of(dir.path());
    assert_ne!(before.digest, after.digest);
    assert_eq!(after.files, 4);
}

#[test]
fn a_rename_changes_the_digest() {
    let dir = module();
    let before = fingerprint_of(dir.path());
    fs::rename(
        dir.path().join("src/store.rs"),
        dir.path().join("src/storage.rs"),
    )
    .unwrap();
    assert_ne!(before.digest, fingerprint_of(dir.path()).digest);
}

#[test]
fn a_move_to_another_folder_changes_the_digest() {
    let dir = module();
    let before = fingerprint_of(dir.path());
    fs::create_dir(dir.path().join("src/store")).unwrap();
    fs::rename(
        dir.path().join("src/store.rs"),
        dir.path().join("src/store/mod.rs"),
    )
    .unwrap();
    assert_ne!(before.digest, fingerprint_of(dir.path()).digest);
}

#[test]
fn moving_bytes_between_files_changes_the_digest() {
    let first = tempfile::tempdir().unwrap();
    write(first.path(), "a", b"xy");
    write(first.path(), "b", b"z");
    let second = tempfile::tempdir().unwrap();
    write(second.path(), "a", b"x");
    write(second.path(), "b", b"yz");
    assert_ne!(
        fingerprint_of(first.path()).digest,
        fingerprint_of(second.path()).digest
    );
}

#[test]
fn build_output_and_tool_folders_are_not_counted_and_do_not_change_the_digest() {
    let dir = module();
    let before = fingerprint_of(dir.path());
    for relative in [
        "target/wasm32-wasip2/release/wishlist.wasm",
        "node_modules/left-pad/index.js",
        ".git/HEAD",
        "dist/bundle.js",
        "src/__pycache__/app.cpython-312.pyc",
        ".venv/bin/python",
        ".cache/entry",
        "src/.lib.rs.swp",
    ] {
        write(dir.path(), relative, b"rewritten by every build");
    }
    // Enough to pass `max-files` if they were counted.
    for n in 0..200 {
        write(dir.path(), &format!("target/debug/deps/{n}.o"), b"object");
    }
    assert_eq!(before, fingerprint_of(dir.path()));
}

#[test]
fn build_output_is_recognised_in_any_component_of_a_path() {
    for skipped in [
        "target",
        "target/debug/wishlist.wasm",
        "node_modules/x/index.js",
        "src/__pycache__/app.pyc",
        ".venv/lib/site.py",
        ".git/HEAD",
        "web/dist/bundle.js",
        ".idea/workspace.xml",
        "src/.lib.rs.swp",
        "./.git/index",
    ] {
        assert!(is_build_output(Path::new(skipped)), "{skipped}");
    }
    for source in [
        "src/lib.rs",
        "module.toml",
        "src/targets.rs",
        "distance/lib.rs",
        "./src/lib.rs",
        "../wishlist/src/lib.rs",
    ] {
        assert!(!is_build_output(Path::new(source)), "{source}");
    }
}

#[test]
fn more_than_max_files_is_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..100 {
        write(dir.path(), &format!("src/{n}.rs"), b"//");
    }
    // Hashing this would take minutes: the refusal must come first.
    sparse(dir.path(), "data.bin", 64 * 1024 * MIB);
    let refused = fingerprint(dir.path(), &ReloadLimits::default()).unwrap_err();
    assert_eq!(refused.code(), "reload-too-many-files");
    assert_eq!(
        refused,
        FingerprintError::TooManyFiles {
            limit: 100,
            found: 101
        }
    );
    assert!(
        refused.to_string().contains("raise `max-files`"),
        "{refused}"
    );
}

#[test]
fn more_than_max_bytes_is_refused_from_the_sizes_before_anything_is_read() {
    let dir = module();
    fs::remove_file(dir.path().join("src/store.rs")).unwrap();
    fs::remove_file(dir.path().join("src/lib.rs")).unwrap();
    let manifest = fs::metadata(dir.path().join("module.toml")).unwrap().len();
    sparse(dir.path(), "data.bin", 10 * MIB + 1 - manifest);
    let refused = fingerprint(dir.path(), &ReloadLimits::default()).unwrap_err();
    assert_eq!(refused.code(), "reload-too-large");
    assert_eq!(
        refused,
        FingerprintError::TooLarge {
            limit: 10 * MIB,
            bytes: 10 * MIB + 1
        }
    );
    assert!(
        refused.to_string().contains("raise `max-bytes`"),
        "{refused}"
    );

    // Far too large to read in a test's time: only the size was looked at.
    sparse(dir.path(), "data.bin", 64 * 1024 * MIB);
    assert_eq!(
        fingerprint(dir.path(), &ReloadLimits::default()).unwrap_err(),
        FingerprintError::TooLarge {
            limit: 10 * MIB,
            bytes: 64 * 1024 * MIB + manifest
        }
    );
}

#[test]
fn exactly_max_files_and_max_bytes_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..99 {
        write(dir.path(), &format!("src/{n}.rs"), b"/");
    }
    sparse(dir.path(), "data.bin", 10 * MIB - 99);
    let accepted = fingerprint_of(dir.path());
    assert_eq!(accepted.files, 100);
    assert_eq!(accepted.bytes, 10 * MIB);
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_skipped_not_followed() {
    use std::os::unix::fs::symlink;

    let dir = module();
    let before = fingerprint_of(dir.path());
    let outside = tempfile::tempdir().unwrap();
    for n in 0..200 {
        write(outside.path(), &format!("{n}.txt"), b"outside");
    }
    symlink(outside.path(), dir.path().join("linked-folder")).unwrap();
    symlink(
        dir.path().join("src/lib.rs"),
        dir.path().join("src/alias.rs"),
    )
    .unwrap();
    symlink(
        dir.path().join("missing.rs"),
        dir.path().join("dangling.rs"),
    )
    .unwrap();
    symlink(dir.path(), dir.path().join("src/loop")).unwrap();
    assert_eq!(before, fingerprint_of(dir.path()));
}

#[test]
fn a_missing_folder_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-module");
    let refused = fingerprint(&missing, &ReloadLimits::default()).unwrap_err();
    assert_eq!(refused.code(), "reload-unreadable");
    assert!(
        matches!(&refused, FingerprintError::Unreadable { path, .. } if *path == missing),
        "{refused:?}"
    );
}
