//! The parts of the guide, one per role, written as Markdown in `crates/web/guide/` and rendered
//! to HTML once, at first use. Each `##` heading carries an id (`## 受理 {#intake}`): it is a
//! section, listed in the part's contents and the target of the pages' 帮助 links.

use super::images;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use quanke_domain::Role;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Desk,
    BackOffice,
    Grid,
    Head,
    Street,
    Resident,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::Desk,
        Part::BackOffice,
        Part::Grid,
        Part::Head,
        Part::Street,
        Part::Resident,
    ];

    /// The last segment of the part's address (`/help/desk`).
    pub fn slug(self) -> &'static str {
        match self {
            Part::Desk => "desk",
            Part::BackOffice => "back-office",
            Part::Grid => "grid",
            Part::Head => "head",
            Part::Street => "street",
            Part::Resident => "resident",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Part::Desk => "前台（窗口受理）",
            Part::BackOffice => "后台办理",
            Part::Grid => "网格员",
            Part::Head => "社区负责人",
            Part::Street => "街道管理员",
            Part::Resident => "居民（网上办事）",
        }
    }

    /// Residents read their part on the portal, without signing in; staff parts need sign-in.
    pub fn href(self) -> String {
        match self {
            Part::Resident => "/portal/help".to_string(),
            staff => format!("/help/{}", staff.slug()),
        }
    }

    pub fn from_slug(slug: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// The part written for a role. The system administrator keeps the machine the street
    /// administrator uses, so reads the street's part.
    pub fn of(role: Role) -> Part {
        match role {
            Role::FrontDesk => Part::Desk,
            Role::BackOffice => Part::BackOffice,
            Role::GridWorker => Part::Grid,
            Role::CommunityHead => Part::Head,
            Role::StreetAdmin | Role::SystemAdmin => Part::Street,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Part::Desk => include_str!("../../guide/desk.md"),
            Part::BackOffice => include_str!("../../guide/back-office.md"),
            Part::Grid => include_str!("../../guide/grid.md"),
            Part::Head => include_str!("../../guide/head.md"),
            Part::Street => include_str!("../../guide/street.md"),
            Part::Resident => include_str!("../../guide/resident.md"),
        }
    }

    /// Where this part's screenshots are served: the resident's without sign-in.
    fn image_base(self) -> &'static str {
        match self {
            Part::Resident => "/portal/help/img",
            _ => "/help/img",
        }
    }

    pub fn rendered(self) -> &'static Rendered {
        static ALL: LazyLock<Vec<Rendered>> = LazyLock::new(|| {
            // The sources are compiled in and checked by the tests below; a broken one is a
            // build defect, so failing loudly at first use is right.
            Part::ALL
                .into_iter()
                .map(|p| {
                    render(p.source(), p.image_base())
                        .unwrap_or_else(|e| panic!("guide part {}: {e}", p.slug()))
                })
                .collect()
        });
        &ALL[Part::ALL
            .iter()
            .position(|p| *p == self)
            .expect("listed part")]
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
}

#[derive(Debug)]
pub struct Rendered {
    pub html: String,
    pub sections: Vec<Section>,
    /// The screenshots this part shows (file names in `guide/img`).
    pub images: Vec<String>,
}

impl Rendered {
    #[cfg(test)]
    pub fn has_section(&self, id: &str) -> bool {
        self.sections.iter().any(|s| s.id == id)
    }
}

fn render(source: &str, image_base: &str) -> Result<Rendered, String> {
    let mut sections: Vec<Section> = Vec::new();
    let mut images_used = Vec::new();
    let mut open_section: Option<Section> = None;
    let mut events = Vec::new();
    let options = Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES;
    for event in Parser::new_ext(source, options) {
        let event = match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ref id,
                ..
            }) => {
                let id = id.as_deref().ok_or("a ## heading without {#id}")?;
                if sections.iter().any(|s| s.id == id) {
                    return Err(format!("section id {id} used twice"));
                }
                open_section = Some(Section {
                    id: id.to_string(),
                    title: String::new(),
                });
                event
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {
                return Err("a # heading: the page gives the part's title".into());
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                sections.extend(open_section.take());
                event
            }
            Event::Text(ref text) => {
                if let Some(s) = open_section.as_mut() {
                    s.title.push_str(text);
                }
                event
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let name = dest_url.to_string();
                if !images::exists(&name) {
                    return Err(format!(
                        "screenshot {name} is not in crates/web/guide/img (run: bash e2e/guide-shots.sh)"
                    ));
                }
                let url = format!("{image_base}/{name}?v={}", images::fingerprint());
                images_used.push(name);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                })
            }
            // The output must pass the Content-Security-Policy: no markup of the source's own,
            // so no inline style or script can slip in; it shows as text.
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            other => other,
        };
        events.push(event);
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(Rendered {
        html,
        sections,
        images: images_used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_renders_with_sections_and_screenshots() {
        for part in Part::ALL {
            let r = render(part.source(), part.image_base())
                .unwrap_or_else(|e| panic!("{}: {e}", part.slug()));
            assert!(r.sections.len() >= 3, "{} has sections", part.slug());
            assert!(!r.images.is_empty(), "{} shows screenshots", part.slug());
            for s in &r.sections {
                assert!(!s.title.is_empty(), "{}#{} has a title", part.slug(), s.id);
                assert!(r.html.contains(&format!("id=\"{}\"", s.id)));
            }
        }
    }

    #[test]
    fn every_screenshot_is_shown_somewhere() {
        let used: Vec<&String> = Part::ALL
            .iter()
            .flat_map(|p| &p.rendered().images)
            .collect();
        for (name, _) in images::IMAGES {
            assert!(used.iter().any(|u| u == name), "{name} is in no part");
        }
    }

    /// The staff parts are for workers, not developers: none of their words.
    #[test]
    fn staff_parts_use_no_developer_terms() {
        let terms = ["API", "token", "URL", "JSON", "HTTP", "数据库", "接口"];
        for part in Part::ALL.into_iter().filter(|p| *p != Part::Street) {
            for t in terms {
                assert!(!part.source().contains(t), "{} says {t}", part.slug());
            }
        }
    }

    #[test]
    fn markup_in_a_source_is_shown_as_text() {
        let r = render(
            "## 节 {#s}\n\n<b style=\"x\">a</b>\n\n<script>b</script>",
            "/x",
        )
        .unwrap();
        assert!(r.html.contains("&lt;b style="), "{}", r.html);
        assert!(!r.html.contains("<script"), "{}", r.html);
    }

    #[test]
    fn a_missing_screenshot_or_section_id_is_refused() {
        assert!(render("## 节 {#s}\n\n![图](nowhere.png)", "/x").is_err());
        assert!(render("## 节\n\n正文", "/x").is_err());
        assert!(render("## 节 {#s}\n\n## 又 {#s}", "/x").is_err());
    }
}
