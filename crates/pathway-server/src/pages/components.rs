//! GOV.UK Design System components, ported to askama: one struct per component, its
//! template in `templates/components/`. Pages hold these as values and write them with
//! `{{ component|safe }}` (the component escapes what it is given). The HTML is the
//! design system's own: `tests` below renders each with the options of a fixture shipped in
//! `govuk-frontend/dist/govuk/components/<name>/fixtures.json` and compares, whitespace
//! aside, with the fixture's HTML.

use askama::Template;

/// A submit button (`govuk-button`), primary or secondary.
#[derive(Debug, Template)]
#[template(path = "components/button.html")]
pub(crate) struct Button<'a> {
    pub text: &'a str,
    pub secondary: bool,
}

/// A text input with its label, and a hint and an inline error when there are.
#[derive(Debug, Default, Template)]
#[template(path = "components/input.html")]
pub(crate) struct TextInput<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    /// What was typed, given back after a failed submit.
    pub value: Option<&'a str>,
    /// `text` unless said.
    pub input_type: &'a str,
    /// Width classes (`govuk-input--width-10`).
    pub classes: Option<&'a str>,
    pub spellcheck: Option<bool>,
    pub autocomplete: Option<&'a str>,
    pub autocapitalize: Option<&'a str>,
    pub inputmode: Option<&'a str>,
}

impl TextInput<'_> {
    /// The hint and error the input is described by, in the design system's order.
    fn described_by(&self) -> Option<String> {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A password input with its "Show" button (which needs JavaScript; without it the button
/// stays hidden and the field works as a plain password field).
#[derive(Debug, Template)]
#[template(path = "components/password-input.html")]
pub(crate) struct PasswordInput<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub error: Option<&'a str>,
}

/// The error summary at the top of a form that failed: each error links to its field.
#[derive(Debug, Template)]
#[template(path = "components/error-summary.html")]
pub(crate) struct ErrorSummary<'a> {
    pub title: &'a str,
    /// The field's `#id`, and the message (the same words as the inline error).
    pub errors: Vec<(String, String)>,
}

/// Key and value rows (`govuk-summary-list`), text only.
#[derive(Debug, Template)]
#[template(path = "components/summary-list.html")]
pub(crate) struct SummaryList {
    pub rows: Vec<(String, String)>,
}

/// A table cell: its text, and whether it is a number (right-aligned).
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub numeric: bool,
}

impl Cell {
    pub(crate) fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), numeric: false }
    }

    pub(crate) fn number(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), numeric: true }
    }
}

/// A table with a header row; the first cell of each row may be its header.
#[derive(Debug, Template)]
#[template(path = "components/table.html")]
pub(crate) struct Table {
    pub caption: Option<String>,
    pub head: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
    pub first_cell_is_header: bool,
}

/// The header of a service that is not on GOV.UK: the service's name as its logo.
#[derive(Debug, Template)]
#[template(path = "components/generic-header.html")]
pub(crate) struct GenericHeader<'a> {
    pub logo_text: &'a str,
    pub url: &'a str,
}

/// One link of the service navigation.
#[derive(Debug, Clone)]
pub(crate) struct NavItem {
    pub href: &'static str,
    pub text: &'static str,
    /// It is the page shown (`aria-current="page"`).
    pub current: bool,
    /// The page shown is within it (`aria-current="true"`).
    pub active: bool,
}

/// The service's name and its navigation.
#[derive(Debug, Template)]
#[template(path = "components/service-navigation.html")]
pub(crate) struct ServiceNavigation<'a> {
    /// The service's name and where it links.
    pub service: Option<(&'a str, &'a str)>,
    pub items: Vec<NavItem>,
}

/// The phase banner under the header.
#[derive(Debug, Template)]
#[template(path = "components/phase-banner.html")]
pub(crate) struct PhaseBanner<'a> {
    pub tag: &'a str,
    pub text: &'a str,
}

/// The first link of every page, to jump past the header.
#[derive(Debug, Template)]
#[template(path = "components/skip-link.html")]
pub(crate) struct SkipLink<'a> {
    pub href: &'a str,
    pub text: &'a str,
}

/// A short status label.
#[derive(Debug, Template)]
#[template(path = "components/tag.html")]
pub(crate) struct Tag<'a> {
    pub text: &'a str,
    /// `green`, `yellow`, `red`, `grey`...; the default blue when none.
    pub colour: Option<&'a str>,
}

/// The footer: support links and a line of text. No crown and no Open Government Licence:
/// Pathway is a council's service, not a Crown one (the design system's footer always
/// draws the crown, so no fixture matches it; its other markup is the component's).
#[derive(Debug, Template)]
#[template(path = "components/footer.html")]
pub(crate) struct Footer<'a> {
    pub links: Vec<(&'a str, &'a str)>,
    pub text: &'a str,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// The HTML a fixture of govuk-frontend's `component` named `name` expects.
    fn fixture(component: &str, name: &str) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/node_modules/govuk-frontend/dist/govuk/components/");
        let text = std::fs::read_to_string(format!("{path}{component}/fixtures.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let fixture = json["fixtures"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap();
        fixture["html"].as_str().unwrap().to_owned()
    }

    /// Whitespace between tags, and runs of it, do not change what a browser shows.
    fn normalise(html: &str) -> String {
        let collapsed = html.split_whitespace().collect::<Vec<_>>().join(" ");
        collapsed.replace("> ", ">").replace(" <", "<").replace(" >", ">")
    }

    fn same(component: &str, name: &str, ours: &impl Template) {
        let ours = normalise(&ours.render().unwrap());
        let theirs = normalise(&fixture(component, name));
        assert_eq!(ours, theirs, "{component} / {name}: our HTML (left) differs from the design system's fixture");
    }

    #[test]
    fn a_button_is_the_design_systems_button() {
        same("button", "default", &Button { text: "Save and continue", secondary: false });
    }

    #[test]
    fn a_text_input_with_a_hint_an_error_or_autocomplete_is_the_design_systems_input() {
        same(
            "input",
            "default",
            &TextInput {
                id: "test-name",
                name: "test-name",
                label: "National Insurance number",
                input_type: "text",
                ..TextInput::default()
            },
        );
        same(
            "input",
            "with hint text",
            &TextInput {
                id: "input-with-hint-text",
                name: "test-name-2",
                label: "National insurance number",
                hint: Some(
                    "It’s on your National Insurance card, benefit letter, payslip or P60. For example, ‘QQ 12 34 56 C’.",
                ),
                input_type: "text",
                ..TextInput::default()
            },
        );
        same(
            "input",
            "with error message",
            &TextInput {
                id: "input-with-error-message",
                name: "test-name-3",
                label: "National Insurance number",
                error: Some("Enter a National Insurance number in the correct format"),
                input_type: "text",
                ..TextInput::default()
            },
        );
        same(
            "input",
            "with autocomplete attribute",
            &TextInput {
                id: "input-with-autocomplete-attribute",
                name: "postcode",
                label: "Postcode",
                autocomplete: Some("postal-code"),
                input_type: "text",
                ..TextInput::default()
            },
        );
    }

    #[test]
    fn a_password_input_is_the_design_systems_password_input() {
        same(
            "password-input",
            "default",
            &PasswordInput { id: "password", name: "password", label: "Password", error: None },
        );
    }

    #[test]
    fn an_error_summary_is_the_design_systems_error_summary() {
        same(
            "error-summary",
            "default",
            &ErrorSummary {
                title: "There is a problem",
                errors: vec![
                    ("#example-error-1".into(), "The date your passport was issued must be in the past".into()),
                    ("#example-error-2".into(), "Enter a postcode, like AA1 1AA".into()),
                ],
            },
        );
    }

    #[test]
    fn a_table_with_a_head_is_the_design_systems_table() {
        let row = |month: &str, bicycles: &str, vehicles: &str| {
            vec![Cell::text(month), Cell::number(bicycles), Cell::number(vehicles)]
        };
        same(
            "table",
            "with head",
            &Table {
                caption: None,
                head: vec![
                    Cell::text("Month you apply"),
                    Cell::number("Rate for bicycles"),
                    Cell::number("Rate for vehicles"),
                ],
                rows: vec![row("January", "£85", "£95"), row("February", "£75", "£55"), row("March", "£165", "£125")],
                first_cell_is_header: false,
            },
        );
    }

    #[test]
    fn a_summary_list_of_text_rows_is_the_design_systems_summary_list() {
        // The fixture's third row is HTML; ours are text, so its first two rows are compared.
        let ours = SummaryList {
            rows: vec![("Name".into(), "Firstname Lastname".into()), ("Date of birth".into(), "13/08/1980".into())],
        };
        let theirs = normalise(&fixture("summary-list", "default"));
        let ours = normalise(&ours.render().unwrap());
        let two_rows = ours.trim_end_matches("</dl>");
        assert!(theirs.starts_with(two_rows), "ours: {ours}\ntheirs: {theirs}");
    }

    #[test]
    fn the_header_navigation_banner_skip_link_and_tag_are_the_design_systems() {
        same("generic-header", "default", &GenericHeader { logo_text: "My cool service", url: "/" });
        let items = |current: bool| {
            (1..=4)
                .map(|n| NavItem {
                    href: ["#/1", "#/2", "#/3", "#/4"][n - 1],
                    text: ["Navigation item 1", "Navigation item 2", "Navigation item 3", "Navigation item 4"][n - 1],
                    current: current && n == 2,
                    active: !current && n == 2,
                })
                .collect::<Vec<_>>()
        };
        same(
            "service-navigation",
            "with navigation with a current item",
            &ServiceNavigation { service: None, items: items(true) },
        );
        same(
            "service-navigation",
            "with service name and navigation",
            &ServiceNavigation { service: Some(("Apply for a juggling license", "#/")), items: items(false) },
        );
        same("skip-link", "default", &SkipLink { href: "#test-target-element", text: "Skip to main content" });
        same(
            "phase-banner",
            "text",
            &PhaseBanner { tag: "", text: "This is a new service – your feedback will help us to improve it" },
        );
        same("tag", "default", &Tag { text: "Alpha", colour: None });
    }
}
