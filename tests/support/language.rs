//! Running one suite in every guest language: the same assertions against
//! the Rust, the Python and the JavaScript component.

use std::fmt;

use modgate_host::engine::{Compiler, Engine, EngineConfig};

/// A guest language the suites build components in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// `guests/test-components/`, `guests/modules/`.
    Rust,
    /// `guests/python/`.
    Python,
    /// `guests/javascript/`.
    JavaScript,
}

impl Lang {
    /// The three, Rust first.
    pub const ALL: [Lang; 3] = [Lang::Rust, Lang::Python, Lang::JavaScript];

    /// The compiler the conformance suites load this language's components
    /// with. Python and JavaScript: Winch, which compiles each of their
    /// 12–18 MB components in ~2 s instead of Cranelift's 17–25 s (most of a
    /// suite run; `docs/benchmarks.md`, "Compilers"). What the suites check
    /// is the host's side of each world, the same with either compiler; the
    /// budget tests (`budgets.rs`, `big_runtimes.rs`) and the storefront's
    /// polyglot test keep these languages on Cranelift, the compiler a host
    /// serves with.
    pub fn compiler(self) -> Compiler {
        match self {
            Lang::Rust => Compiler::Cranelift,
            Lang::Python | Lang::JavaScript => Compiler::Winch,
        }
    }

    /// `config` with this language's [`Lang::compiler`].
    pub fn configure(self, config: EngineConfig) -> EngineConfig {
        EngineConfig { compiler: self.compiler(), ..config }
    }

    /// The default engine configuration with this language's compiler.
    pub fn engine_config(self) -> EngineConfig {
        self.configure(EngineConfig::default())
    }

    /// An engine like [`crate::default_engine`] with this language's compiler.
    pub fn engine(self) -> Engine {
        crate::engine(self.engine_config())
    }

    /// The path of this language's component named `name` (its package or
    /// folder name, e.g. `conformance-base`). Panics, naming the folder to
    /// add, when the language has no such component.
    pub fn component(self, name: &str) -> &'static str {
        let table = match self {
            Lang::Rust => modgate_artifacts::ALL,
            Lang::Python => modgate_artifacts::python::BY_NAME,
            Lang::JavaScript => modgate_artifacts::javascript::BY_NAME,
        };
        table.iter().find(|(n, _)| *n == name).map(|(_, path)| *path).unwrap_or_else(|| {
            let folder = match self {
                Lang::Rust => "guests/test-components",
                Lang::Python => "guests/python/test-components",
                Lang::JavaScript => "guests/javascript/test-components",
            };
            panic!("no {self} component {name}: add {folder}/{name}")
        })
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Rust => "Rust",
            Lang::Python => "Python",
            Lang::JavaScript => "JavaScript",
        })
    }
}

/// One test per language for each `test => check` pair: `test` runs
/// `check(Lang::Rust)`, `python::test` runs `check(Lang::Python)` and
/// `javascript::test` runs `check(Lang::JavaScript)` — the same assertions
/// against each language's component. Every conformance suite is written
/// with it (`tests/conformance/worlds.rs` checks).
///
/// With `on_both_backends:` first, each `check` is an `async fn(TestHost,
/// Lang)` and each `test` a module of two tests, `on_sqlite` and
/// `on_postgres` (skipped without PostgreSQL), as `on_both_backends!`
/// makes them.
#[macro_export]
macro_rules! in_every_language {
    (on_both_backends: $($test:ident => $check:ident),+ $(,)?) => {
        $( $crate::on_both_backends_in!($test, super::$check, $crate::Lang::Rust); )+
        /// The same tests against the Python components.
        pub mod python {
            $( $crate::on_both_backends_in!($test, super::super::$check, $crate::Lang::Python); )+
        }
        /// The same tests against the JavaScript components.
        pub mod javascript {
            $( $crate::on_both_backends_in!($test, super::super::$check, $crate::Lang::JavaScript); )+
        }
    };
    ($($test:ident => $check:ident),+ $(,)?) => {
        $(
            #[test]
            pub fn $test() {
                $check($crate::Lang::Rust)
            }
        )+
        /// The same tests against the Python components.
        pub mod python {
            $(
                #[test]
                pub fn $test() {
                    super::$check($crate::Lang::Python)
                }
            )+
        }
        /// The same tests against the JavaScript components.
        pub mod javascript {
            $(
                #[test]
                pub fn $test() {
                    super::$check($crate::Lang::JavaScript)
                }
            )+
        }
    };
}

/// One language's `on_sqlite` and `on_postgres` tests of
/// `in_every_language!(on_both_backends: ...)`.
#[doc(hidden)]
#[macro_export]
macro_rules! on_both_backends_in {
    ($test:ident, $check:path, $lang:expr) => {
        pub mod $test {
            #[test]
            pub fn on_sqlite() {
                $crate::run(async {
                    let host = $crate::test_host_for($lang, modgate_host::storage::Backend::Sqlite).await.expect("sqlite");
                    $check(host, $lang).await
                })
            }

            #[test]
            pub fn on_postgres() {
                $crate::run(async {
                    if let Some(host) = $crate::test_host_for($lang, modgate_host::storage::Backend::Postgres).await {
                        $check(host, $lang).await
                    }
                })
            }
        }
    };
}
