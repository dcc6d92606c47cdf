//! The note an Open311 request opens its case with. A case has columns for the applicant and
//! the answers but none for where the matter is or the partner's photo, so the note carries
//! them: the description, then a marker line, then one "名称：值" line per detail. The desk
//! reads it as text; the GET endpoints read the public details back.

/// Always written, so a description that happens to contain this line cannot be mistaken for
/// details: the details start after the last one.
const MARKER: &str = "—— Open311 ——";

const ADDRESS: &str = "地址";
const ADDRESS_ID: &str = "地址编号";
const LAT: &str = "纬度";
const LONG: &str = "经度";
const MEDIA: &str = "图片";
const EMAIL: &str = "邮箱";

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Details {
    pub description: String,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub media_url: Option<String>,
    /// For the desk to reply to; never shown by the GET endpoints.
    pub email: Option<String>,
}

impl Details {
    pub fn to_note(&self) -> String {
        let mut note = format!("{}\n{MARKER}", self.description.trim());
        let lines = [
            (ADDRESS, &self.address),
            (ADDRESS_ID, &self.address_id),
            (LAT, &self.lat),
            (LONG, &self.long),
            (MEDIA, &self.media_url),
            (EMAIL, &self.email),
        ];
        for (label, value) in lines {
            if let Some(v) = value {
                // One line per detail: a line break inside a value would start a forged one.
                let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                note.push_str(&format!("\n{label}：{v}"));
            }
        }
        note
    }

    /// The details of a note written by `to_note`; a note without the marker is all
    /// description.
    pub fn of_note(note: &str) -> Details {
        // The case trims its note, so a request without description starts with the marker.
        let padded = format!("\n{note}");
        let Some((description, details)) = padded.rsplit_once(&format!("\n{MARKER}")) else {
            return Details {
                description: note.to_string(),
                ..Details::default()
            };
        };
        let mut d = Details {
            description: description.trim_start_matches('\n').to_string(),
            ..Details::default()
        };
        for line in details.lines() {
            let Some((label, value)) = line.split_once('：') else {
                continue;
            };
            let slot = match label {
                ADDRESS => &mut d.address,
                ADDRESS_ID => &mut d.address_id,
                LAT => &mut d.lat,
                LONG => &mut d.long,
                MEDIA => &mut d.media_url,
                EMAIL => &mut d.email,
                _ => continue,
            };
            *slot = Some(value.to_string());
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_round_trip_through_the_note() {
        let d = Details {
            description: "楼道灯坏了\n—— Open311 ——\n地址：伪造".into(),
            address: Some("卖鱼桥社区\n小河路 12 号".into()),
            lat: Some("30.28".into()),
            long: Some("120.15".into()),
            email: Some("a@example.cn".into()),
            ..Details::default()
        };
        let note = d.to_note();
        assert!(note.contains("\n地址：卖鱼桥社区 小河路 12 号\n"), "{note}");
        let back = Details::of_note(&note);
        assert_eq!(back.address.as_deref(), Some("卖鱼桥社区 小河路 12 号"));
        assert_eq!(back.description, d.description);
        assert_eq!((back.lat, back.long), (d.lat, d.long));
        assert_eq!(back.email, d.email);
        assert_eq!(back.media_url, None);
        let bare = Details::of_note(Details::default().to_note().trim());
        assert_eq!(bare, Details::default());
        let plain = Details::of_note("窗口受理");
        assert_eq!(
            (plain.description.as_str(), plain.address),
            ("窗口受理", None)
        );
    }
}
