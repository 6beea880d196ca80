//! Slot widgets: what a module's `slot-provider.render` returned, checked
//! against the closed catalog's rules and turned into JSON for the page.
//!
//! Rules, each refusing the module's whole answer for the slot:
//! - text is plain: no markup characters (`<`, `>`), no control characters,
//!   not empty, bounded in length;
//! - links and actions are paths under the module's own mount
//!   (`/modules/<name>/…`) made of URL-safe characters, with no `..`, `//`,
//!   backslashes or percent-encoded dots, slashes or backslashes;
//! - at most [`MAX_WIDGETS`] widgets.

use serde::Serialize;

pub use crate::bindings::exports::modgate::host::slot_provider::{
    Badge, Link, SlotRequest, ToggleButton, Tone, Widget,
};

/// Most widgets one module may put in one slot.
pub const MAX_WIDGETS: usize = 8;
/// Longest label (characters).
pub const MAX_LABEL_CHARS: usize = 80;
/// Longest text widget (characters).
pub const MAX_TEXT_CHARS: usize = 280;
/// Longest link or action path (bytes).
pub const MAX_PATH_BYTES: usize = 512;

/// A validated widget, as served to the storefront (JSON, `type` tagged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum WidgetDescriptor {
    /// A button that POSTs to `action` and toggles its state.
    #[serde(rename_all = "kebab-case")]
    ToggleButton {
        /// Label when inactive.
        label: String,
        /// Label when active.
        active_label: String,
        /// Current state.
        active: bool,
        /// Path under the module's mount.
        action: String,
    },
    /// A short label.
    Badge {
        /// Its text.
        text: String,
        /// `neutral`, `info`, `success` or `warning`.
        tone: &'static str,
    },
    /// A line of plain text.
    Text {
        /// The text.
        text: String,
    },
    /// A link under the module's mount.
    Link {
        /// Its label.
        label: String,
        /// Path under the module's mount.
        href: String,
    },
}

/// One module's widgets for a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleWidgets {
    /// The module.
    pub module: String,
    /// Its validated widgets.
    pub widgets: Vec<WidgetDescriptor>,
}

/// Why a module's widgets were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WidgetProblem {
    /// More widgets than allowed.
    #[error("{count} widgets returned; at most {MAX_WIDGETS} are allowed per slot")]
    TooMany {
        /// How many came back.
        count: usize,
    },
    /// Markup characters in text.
    #[error("widget {widget}: {field} contains markup characters ('<' or '>'); widgets carry plain text only")]
    Markup {
        /// Position of the widget.
        widget: usize,
        /// The field.
        field: &'static str,
    },
    /// Control characters in text.
    #[error("widget {widget}: {field} contains control characters")]
    ControlCharacter {
        /// Position of the widget.
        widget: usize,
        /// The field.
        field: &'static str,
    },
    /// Empty or overlong text.
    #[error("widget {widget}: {field} must be 1 to {limit} characters")]
    Length {
        /// Position of the widget.
        widget: usize,
        /// The field.
        field: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A link or action outside the module's mount, or not a clean path.
    #[error("widget {widget}: {field} {value:?} is not a clean path under {mount}")]
    OutsideMount {
        /// Position of the widget.
        widget: usize,
        /// The field.
        field: &'static str,
        /// What the module gave (truncated).
        value: String,
        /// The module's mount.
        mount: String,
    },
}

impl WidgetProblem {
    /// Stable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            WidgetProblem::TooMany { .. } => "too-many-widgets",
            WidgetProblem::Markup { .. } => "widget-markup",
            WidgetProblem::ControlCharacter { .. } => "widget-control-character",
            WidgetProblem::Length { .. } => "widget-length",
            WidgetProblem::OutsideMount { .. } => "widget-outside-mount",
        }
    }
}

/// Checks every widget of `module`; all pass or the first problem is
/// returned.
pub fn validate_widgets(module: &str, widgets: Vec<Widget>) -> Result<Vec<WidgetDescriptor>, WidgetProblem> {
    if widgets.len() > MAX_WIDGETS {
        return Err(WidgetProblem::TooMany { count: widgets.len() });
    }
    let mount = format!("/modules/{module}/");
    widgets
        .into_iter()
        .enumerate()
        .map(|(index, widget)| {
            let text = |field, value: String, limit| plain_text(index, field, value, limit);
            let path = |field, value: String| mount_path(index, field, value, &mount);
            Ok(match widget {
                Widget::ToggleButton(button) => WidgetDescriptor::ToggleButton {
                    label: text("label", button.label, MAX_LABEL_CHARS)?,
                    active_label: text("active-label", button.active_label, MAX_LABEL_CHARS)?,
                    active: button.active,
                    action: path("action", button.action)?,
                },
                Widget::Badge(badge) => WidgetDescriptor::Badge {
                    text: text("text", badge.text, MAX_LABEL_CHARS)?,
                    tone: match badge.tone {
                        Tone::Neutral => "neutral",
                        Tone::Info => "info",
                        Tone::Success => "success",
                        Tone::Warning => "warning",
                    },
                },
                Widget::Text(value) => WidgetDescriptor::Text {
                    text: text("text", value, MAX_TEXT_CHARS)?,
                },
                Widget::Link(link) => WidgetDescriptor::Link {
                    label: text("label", link.label, MAX_LABEL_CHARS)?,
                    href: path("href", link.href)?,
                },
            })
        })
        .collect()
}

fn plain_text(widget: usize, field: &'static str, value: String, limit: usize) -> Result<String, WidgetProblem> {
    let length = value.chars().count();
    if length == 0 || length > limit || value.trim().is_empty() {
        return Err(WidgetProblem::Length { widget, field, limit });
    }
    if value.contains(['<', '>']) {
        return Err(WidgetProblem::Markup { widget, field });
    }
    if value.chars().any(char::is_control) {
        return Err(WidgetProblem::ControlCharacter { widget, field });
    }
    Ok(value)
}

fn mount_path(widget: usize, field: &'static str, value: String, mount: &str) -> Result<String, WidgetProblem> {
    let outside = || WidgetProblem::OutsideMount {
        widget,
        field,
        value: value.chars().take(80).collect(),
        mount: mount.to_owned(),
    };
    if is_clean_path_under(&value, mount) { Ok(value) } else { Err(outside()) }
}

/// Whether `value` is a path (and optional query) under `mount` (which ends
/// with `/`) that stays there whoever decodes it: URL-safe characters only,
/// no `//`, no `.`/`..` segments, no percent-encoded dot, slash or
/// backslash. Shared with the bridge's `Location` rule.
pub(crate) fn is_clean_path_under(value: &str, mount: &str) -> bool {
    let (path, query) = value.split_once('?').unwrap_or((value, ""));
    let safe_byte = |b: u8| b.is_ascii_alphanumeric() || b"-._~/%+,:@".contains(&b);
    value.len() <= MAX_PATH_BYTES
        && path.starts_with(mount)
        && path.bytes().all(safe_byte)
        && query.bytes().all(|b| safe_byte(b) || b == b'=' || b == b'&')
        && !path.contains("//")
        && !path.split('/').any(|segment| segment == "." || segment == "..")
        && !has_encoded_separator(value)
}

/// `%2e` (.), `%2f` (/) and `%5c` (\) could turn into traversal once a
/// browser or proxy decodes them.
fn has_encoded_separator(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    ["%2e", "%2f", "%5c"].iter().any(|encoded| lower.contains(encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toggle(label: &str, action: &str) -> Widget {
        Widget::ToggleButton(ToggleButton {
            label: label.to_owned(),
            active_label: "Saved".to_owned(),
            active: false,
            action: action.to_owned(),
        })
    }

    fn link(href: &str) -> Widget {
        Widget::Link(Link {
            label: "More".to_owned(),
            href: href.to_owned(),
        })
    }

    #[test]
    fn valid_widgets_become_descriptors() {
        let widgets = vec![
            toggle("Add to wishlist", "/modules/wishlist/items/p-1/toggle"),
            Widget::Badge(Badge { text: "New".into(), tone: Tone::Success }),
            Widget::Text("Saved by 3 people".into()),
            link("/modules/wishlist/items?sort=newest"),
        ];
        let out = validate_widgets("wishlist", widgets).unwrap();
        assert_eq!(out.len(), 4);
        let json = serde_json::to_value(&out[0]).unwrap();
        assert_eq!(json["type"], "toggle-button");
        assert_eq!(json["active-label"], "Saved");
        assert_eq!(serde_json::to_value(&out[1]).unwrap()["tone"], "success");
    }

    #[test]
    fn markup_and_script_in_text_are_refused() {
        for label in ["<b>hi</b>", "<script>alert(1)</script>", "x onclick=\">\""] {
            let problem = validate_widgets("wishlist", vec![toggle(label, "/modules/wishlist/a")]).unwrap_err();
            assert_eq!(problem.code(), "widget-markup", "{label}");
        }
        let problem = validate_widgets("wishlist", vec![Widget::Text("<img src=x onerror=alert(1)>".into())]).unwrap_err();
        assert_eq!(problem.code(), "widget-markup");
    }

    #[test]
    fn control_characters_and_lengths_are_refused() {
        let problem = validate_widgets("wishlist", vec![Widget::Text("a\u{0}b".into())]).unwrap_err();
        assert_eq!(problem.code(), "widget-control-character");
        let problem = validate_widgets("wishlist", vec![Widget::Text(String::new())]).unwrap_err();
        assert_eq!(problem.code(), "widget-length");
        let problem = validate_widgets("wishlist", vec![Widget::Text("x".repeat(MAX_TEXT_CHARS + 1))]).unwrap_err();
        assert_eq!(problem.code(), "widget-length");
    }

    #[test]
    fn links_outside_the_mount_are_refused() {
        for href in [
            "https://evil.example/",
            "//evil.example/x",
            "javascript:alert(1)",
            "/modules/other/items",
            "/modules/wishlist",
            "/modules/wishlist/../admin",
            "/modules/wishlist/%2e%2e/admin",
            "/modules/wishlist/a%2Fb",
            "/modules/wishlist/a\\b",
            "/modules/wishlist//x",
            "/modules/wishlist/a b",
            "/modules/wishlist/a\"onmouseover=x",
            "/store/api/orders",
        ] {
            let problem = validate_widgets("wishlist", vec![link(href)]).unwrap_err();
            assert_eq!(problem.code(), "widget-outside-mount", "{href}");
            let problem = validate_widgets("wishlist", vec![toggle("Save", href)]).unwrap_err();
            assert_eq!(problem.code(), "widget-outside-mount", "{href}");
        }
    }

    #[test]
    fn too_many_widgets_are_refused() {
        let widgets = (0..=MAX_WIDGETS).map(|_| Widget::Text("x".into())).collect();
        assert_eq!(validate_widgets("wishlist", widgets).unwrap_err().code(), "too-many-widgets");
    }
}
