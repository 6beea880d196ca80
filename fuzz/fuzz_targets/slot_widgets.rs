//! Slot widget validation on any widgets a module returns: what passes is
//! plain text (no markup, no control characters, within its length) and
//! every link or action resolves, by a browser's URL rules, to the shop's
//! origin under the module's own mount.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modgate_host::http::widgets::{
    Badge, Link, MAX_LABEL_CHARS, MAX_TEXT_CHARS, ToggleButton, Tone, Widget, WidgetDescriptor, validate_widgets,
};

/// One widget per line, fields separated by tabs: `toggle label
/// active-label on|off action`, `badge text tone`, `text text`, `link label
/// href`. A line of another shape is skipped; the first line names the module.
fn widget(line: &str) -> Option<Widget> {
    let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
    Some(match fields.as_slice() {
        [kind, label, active_label, active, action] if kind == "toggle" => Widget::ToggleButton(ToggleButton {
            label: label.clone(),
            active_label: active_label.clone(),
            active: active == "on",
            action: action.clone(),
        }),
        [kind, text, tone] if kind == "badge" => Widget::Badge(Badge {
            text: text.clone(),
            tone: match tone.as_str() {
                "info" => Tone::Info,
                "success" => Tone::Success,
                "warning" => Tone::Warning,
                _ => Tone::Neutral,
            },
        }),
        [kind, text] if kind == "text" => Widget::Text(text.clone()),
        [kind, label, href] if kind == "link" => Widget::Link(Link { label: label.clone(), href: href.clone() }),
        _ => return None,
    })
}

fn plain(text: &str, limit: usize) {
    let chars = text.chars().count();
    assert!((1..=limit).contains(&chars), "{text:?} is {chars} characters");
    assert!(!text.contains(['<', '>']) && !text.chars().any(char::is_control), "{text:?} passed");
}

fn under_mount(path: &str, module: &str) {
    let base = url::Url::parse(&format!("https://shop.example/modules/{module}/")).unwrap();
    let target = base.join(path).unwrap_or_else(|e| panic!("{path:?} passed but does not resolve: {e}"));
    assert_eq!(target.origin(), base.origin(), "{path:?} leaves the shop");
    let mount = format!("/modules/{module}/");
    assert!(target.path().starts_with(&mount), "{path:?} resolves to {}", target.path());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut lines = text.split('\n');
    let module = if lines.next() == Some("wishlist") { "wishlist" } else { "fuzz-probe" };
    let widgets = lines.filter_map(widget).collect();
    let Ok(descriptors) = validate_widgets(module, widgets) else { return };
    for descriptor in &descriptors {
        match descriptor {
            WidgetDescriptor::ToggleButton { label, active_label, action, .. } => {
                plain(label, MAX_LABEL_CHARS);
                plain(active_label, MAX_LABEL_CHARS);
                under_mount(action, module);
            }
            WidgetDescriptor::Badge { text, .. } => plain(text, MAX_LABEL_CHARS),
            WidgetDescriptor::Text { text } => plain(text, MAX_TEXT_CHARS),
            WidgetDescriptor::Link { label, href } => {
                plain(label, MAX_LABEL_CHARS);
                under_mount(href, module);
            }
        }
    }
    let json = serde_json::to_string(&descriptors).expect("descriptors serialize");
    assert!(!json.contains(['<', '>']), "{json}");
});
