//! Businesses and organisations (单位/商户) with valid unified social credit codes (GB 32100).

use crate::dwellings::Community;
use crate::names;
use crate::people::Maker;
use crate::phones;
use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusinessKind {
    /// 个体工商户, credit code prefix 92.
    IndividualBusiness,
    /// 有限责任公司, prefix 91.
    Company,
    /// 民办非企业单位 registered with civil affairs, prefix 52.
    PrivateNonProfit,
}

impl BusinessKind {
    pub fn label(self) -> &'static str {
        match self {
            BusinessKind::IndividualBusiness => "个体工商户",
            BusinessKind::Company => "有限责任公司",
            BusinessKind::PrivateNonProfit => "民办非企业单位",
        }
    }

    /// Registration authority and organisation type, the first two characters of the code.
    fn code_prefix(self) -> &'static str {
        match self {
            BusinessKind::IndividualBusiness => "92",
            BusinessKind::Company => "91",
            BusinessKind::PrivateNonProfit => "52",
        }
    }
}

/// The fire-safety grading that decides how often a grid worker inspects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FireSafety {
    KeyUnit,
    General,
    SmallVenue,
}

impl FireSafety {
    pub fn label(self) -> &'static str {
        match self {
            FireSafety::KeyUnit => "消防安全重点单位",
            FireSafety::General => "一般单位",
            FireSafety::SmallVenue => "九小场所",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Business {
    pub name: String,
    /// A valid 18-character unified social credit code.
    pub credit_code: String,
    pub kind: BusinessKind,
    /// "便利店", "餐饮管理", "居家养老服务" …
    pub trade: &'static str,
    pub grid: String,
    /// "杭州市拱墅区湖墅街道卖鱼桥社区小河路128号"
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub fire_safety: FireSafety,
}

/// Street shops: trade and whether it is one of the "nine small venues" (九小场所).
const SHOPS: [(&str, bool); 10] = [
    ("便利店", true),
    ("水果店", true),
    ("理发店", true),
    ("面馆", true),
    ("小吃店", true),
    ("五金店", true),
    ("洗衣店", true),
    ("烟酒店", true),
    ("早餐店", true),
    ("修车铺", false),
];
const COMPANY_TRADES: [&str; 8] = [
    "餐饮管理",
    "商贸",
    "科技",
    "物业管理",
    "文化传媒",
    "建筑装饰",
    "健康管理",
    "教育咨询",
];
/// Trades of non-profits; all are crowded places, hence key fire-safety units.
const NON_PROFIT_TRADES: [&str; 3] = ["居家养老服务中心", "托育中心", "社会工作服务中心"];
/// Trade names (字号).
const BRANDS: [&str; 16] = [
    "恒信", "华源", "新禾", "永安", "金诚", "瑞丰", "明远", "嘉禾", "鼎盛", "和顺", "天成", "博雅",
    "安居", "宏达", "运河", "湖墅",
];

/// The GB 32100 character set in value order (no I, O, Z, S, V).
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

pub(crate) fn business(maker: &mut Maker, community: &Community) -> Business {
    let rng = &mut maker.rng;
    let road = rng.pick(&community.roads).clone();
    let address = format!(
        "{}{road}{}号",
        community.address_prefix(),
        rng.between(1, 300)
    );
    let grid = rng.pick(&community.grids).clone();
    let (kind, name, trade, fire_safety) = match rng.below(100) {
        0..60 => shop(rng, community, &road),
        60..92 => company(rng),
        _ => non_profit(rng, community),
    };
    let credit_code = credit_code(rng, kind, &community.district_code);
    let contact = maker.anyone_adult();
    let contact_phone = match kind {
        BusinessKind::Company if maker.rng.chance(500) => phones::landline(&mut maker.rng),
        _ => phones::mobile(&mut maker.rng),
    };
    Business {
        name,
        credit_code,
        kind,
        trade,
        grid,
        address,
        contact_name: contact,
        contact_phone,
        fire_safety,
    }
}

type Named = (BusinessKind, String, &'static str, FireSafety);

/// "杭州卖鱼桥小河路便利店"
fn shop(rng: &mut Rng, community: &Community, road: &str) -> Named {
    let (trade, small_venue) = *rng.pick(&SHOPS);
    let name = format!("杭州{}{road}{trade}", community.short_name());
    let fire = if small_venue {
        FireSafety::SmallVenue
    } else {
        FireSafety::General
    };
    (BusinessKind::IndividualBusiness, name, trade, fire)
}

/// "杭州恒信餐饮管理有限公司"
fn company(rng: &mut Rng) -> Named {
    let trade = *rng.pick(&COMPANY_TRADES);
    let name = format!("杭州{}{trade}有限公司", rng.pick(&BRANDS));
    (BusinessKind::Company, name, trade, FireSafety::General)
}

/// "杭州市拱墅区嘉禾居家养老服务中心"
fn non_profit(rng: &mut Rng, community: &Community) -> Named {
    let trade = *rng.pick(&NON_PROFIT_TRADES);
    let name = format!("杭州市{}{}{trade}", community.district, rng.pick(&BRANDS));
    (
        BusinessKind::PrivateNonProfit,
        name,
        trade,
        FireSafety::KeyUnit,
    )
}

/// Since 2015 organisation codes are issued as "MA" plus seven characters; older bodies kept
/// their all-digit GB 11714 code.
fn credit_code(rng: &mut Rng, kind: BusinessKind, district_code: &str) -> String {
    let body: String = if rng.chance(650) {
        let tail: String = (0..6).map(|_| char::from(*rng.pick(CHARSET))).collect();
        format!("MA{tail}")
    } else {
        format!("{:08}", rng.below(100_000_000))
    };
    let first17 = format!(
        "{}{district_code}{body}{}",
        kind.code_prefix(),
        org_check(&body)
    );
    let check = CHARSET[mod31_check(&first17)];
    format!("{first17}{}", char::from(check))
}

/// GB 11714: weights 3 7 9 10 5 8 4 2, letters valued A = 10 … Z = 35; 10 is written X and
/// 11 is written 0.
fn org_check(body: &str) -> char {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(36).expect("body is alphanumeric") * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).expect("a single digit"),
    }
}

/// GB 32100: weights 3^(i-1) mod 31, check value (31 − sum mod 31) mod 31.
fn mod31_check(first17: &str) -> usize {
    let mut weight = 1;
    let mut sum = 0;
    for c in first17.bytes() {
        let value = CHARSET
            .iter()
            .position(|&x| x == c)
            .expect("every character is in the charset");
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    (31 - sum % 31) % 31
}

impl Maker {
    /// A contact person's name: someone between 22 and 65.
    fn anyone_adult(&mut self) -> String {
        let sex = self.sex(550);
        let birth_year = self.reference.year() - self.rng.between(22, 65) as i32;
        let surname = names::surname(&mut self.rng);
        names::full_name(&mut self.rng, surname, sex, birth_year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_with_their_division() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            let code = credit_code(&mut rng, BusinessKind::Company, "330105");
            let parsed = quanke_domain::ident::credit_code::parse(&code).unwrap();
            assert_eq!(parsed.division_code(), "330105");
            assert_eq!(parsed.registration_authority(), '9');
        }
    }
}
