//! The author tools from the command line, as a guest author uses them:
//! `modgate new` in each language followed by verify, build and run
//! ([`new_module`]); the budget report's figures against guests whose op
//! and fuel use are known ([`budget_figures`]); every refusal with its code
//! and exit status ([`refusals`]).

mod budget_figures;
mod new_module;
mod refusals;
mod support;
