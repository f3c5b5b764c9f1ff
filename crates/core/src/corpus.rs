//! A deterministic generator of realistic sample bulletins, for tests and
//! benchmarks at sizes the real data does not reach (issue #3).
//!
//! The same seed always gives the same corpus, on every machine. The text is
//! assembled from phrase banks typical of district legal-publicity news, with
//! digits and Latin words mixed in the way real bulletins have them. Every
//! generated bulletin is marked as sample content.

use serde_json::{json, Value};

/// SplitMix64: tiny, fast, and good enough to pick phrases.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The channel ids of the default `site.json`.
pub const CHANNELS: &[&str] = &[
    "xinzhou",
    "huangpi",
    "jiangan",
    "wuchang",
    "pufa",
    "yianshifa",
    "fagui",
];

const PLACES: &[&str] = &[
    "新洲区",
    "黄陂区",
    "江岸区",
    "武昌区",
    "阳逻街道",
    "邾城街道",
    "汪集街道",
    "仓埠街道",
    "双柳街道",
    "前川街道",
    "滠口街道",
    "百步亭社区",
    "中南路街道",
    "紫阳街道",
    "红旗社区",
    "问津社区",
];
const OFFICES: &[&str] = &[
    "区司法局",
    "区人民法院",
    "区人民检察院",
    "公安分局",
    "区普法办",
    "区市场监督管理局",
    "区人社局",
    "区妇联",
    "团区委",
    "区教育局",
    "区卫健局",
    "区应急管理局",
    "区生态环境分局",
    "街道司法所",
    "区法律援助中心",
    "区委政法委",
];
const TOPICS: &[&str] = &[
    "民法典",
    "宪法",
    "反电信网络诈骗法",
    "未成年人保护法",
    "法律援助法",
    "个人信息保护法",
    "禁毒法",
    "安全生产法",
    "消费者权益保护法",
    "劳动合同法",
    "道路交通安全法",
    "国家安全法",
    "反家庭暴力法",
    "保障农民工工资支付条例",
    "物业管理条例",
    "食品安全法",
    "环境保护法",
    "网络安全法",
];
const EVENTS: &[&str] = &[
    "宣传周",
    "进社区活动",
    "专题讲座",
    "法治讲堂",
    "普法宣传月",
    "集中宣传日",
    "知识竞赛",
    "以案释法报告会",
    "送法下乡活动",
    "法律咨询服务",
    "模拟法庭",
    "主题宣讲",
    "普法志愿服务",
    "培训班",
];
const ACTIONS: &[&str] = &[
    "开展",
    "组织",
    "举办",
    "启动",
    "深入推进",
    "扎实开展",
    "召开",
    "部署",
];
const AUDIENCES: &[&str] = &[
    "社区居民",
    "青少年学生",
    "老年人",
    "外卖骑手",
    "农民工",
    "企业职工",
    "村（居）民",
    "党员干部",
    "个体工商户",
    "新业态从业人员",
    "网格员",
    "中小学生家长",
];
const VERBS: &[&str] = &[
    "讲解了",
    "解读了",
    "普及了",
    "宣传了",
    "介绍了",
    "梳理了",
    "结合典型案例分析了",
];
const POINTS: &[&str] = &[
    "相关法律规定",
    "常见法律风险",
    "维权途径",
    "防范要点",
    "权利义务",
    "法律责任",
    "办事流程",
    "典型案例",
    "新规要点",
];
const OUTCOMES: &[&str] = &[
    "现场气氛热烈，群众纷纷表示受益匪浅。",
    "有效提升了群众的法治意识和自我保护能力。",
    "进一步营造了尊法学法守法用法的良好氛围。",
    "为基层治理提供了有力的法治保障。",
    "推动普法工作向纵深发展。",
    "受到了群众的广泛好评。",
];
const EXTRAS: &[&str] = &[
    "活动共发放宣传资料{n}余份，解答群众咨询{m}人次。",
    "截至{y}年底，累计开展各类普法活动{n}场次，覆盖群众{m}余人。",
    "工作人员现场指导群众下载安装国家反诈中心APP，并讲解GB/T 35273等个人信息保护相关标准。",
    "“{y}年以来”，该区围绕“八五”普法规划，推动“谁执法谁普法”责任制落到实处。",
    "下一步，将继续以“12·4”国家宪法日、“3·15”国际消费者权益日等节点为契机，创新普法形式。",
    "据统计，{y}年共办理法律援助案件{n}件，为群众挽回经济损失{m}万元。",
];
const HEADINGS: &[&str] = &[
    "一、高度重视，周密部署",
    "二、创新形式，注重实效",
    "三、突出重点，精准普法",
    "四、总结经验，长效推进",
    "一、基本案情",
    "二、法院审理",
    "三、法官说法",
    "一、主要内容",
    "二、重点变化",
    "三、施行意义",
];

fn fill(template: &str, rng: &mut Rng, year: i32) -> String {
    template
        .replace("{n}", &(rng.below(4900) + 100).to_string())
        .replace("{m}", &(rng.below(9000) + 1000).to_string())
        .replace("{y}", &year.to_string())
}

fn sentence(rng: &mut Rng, year: i32) -> String {
    match rng.below(5) {
        0 => format!(
            "{}{}{}{}“{}”{}。",
            rng.pick(PLACES),
            rng.pick(OFFICES),
            rng.pick(ACTIONS),
            rng.pick(&["了", ""]),
            rng.pick(TOPICS),
            rng.pick(EVENTS)
        ),
        1 => format!(
            "活动中，工作人员向{}{}《{}》的{}。",
            rng.pick(AUDIENCES),
            rng.pick(VERBS),
            rng.pick(TOPICS),
            rng.pick(POINTS)
        ),
        2 => rng.pick(OUTCOMES).to_string(),
        3 => fill(rng.pick(EXTRAS), rng, year),
        _ => format!(
            "{}表示，将持续加强{}宣传教育，引导{}依法表达诉求、依法维护权益。",
            rng.pick(OFFICES),
            rng.pick(TOPICS),
            rng.pick(AUDIENCES)
        ),
    }
}

/// One generated bulletin, in the app's data format.
pub fn bulletin(rng: &mut Rng, n: usize) -> Value {
    let year = 2016 + rng.below(11) as i32;
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let (hour, minute) = (8 + rng.below(10), rng.below(60));
    let place = rng.pick(PLACES);
    let title = format!(
        "{}{}{}{}",
        place,
        rng.pick(ACTIONS),
        if rng.below(3) == 0 {
            format!("{year}年")
        } else {
            String::new()
        },
        format_args!("“{}”{}", rng.pick(TOPICS), rng.pick(EVENTS))
    );
    let mut body = Vec::new();
    let paragraphs = 3 + rng.below(6);
    let with_headings = rng.below(2) == 0;
    for p in 0..paragraphs {
        if with_headings && p > 0 && p % 2 == 1 {
            body.push(json!({ "type": "heading", "text": rng.pick(HEADINGS) }));
        }
        let text: String = (0..2 + rng.below(4)).map(|_| sentence(rng, year)).collect();
        body.push(json!({ "type": "paragraph", "text": text }));
    }
    json!({
        "id": format!("gen-{year}-{n:06}"),
        "title": title,
        "channel": CHANNELS[rng.below(CHANNELS.len())],
        "published": format!("{year}-{month:02}-{day:02} {hour:02}:{minute:02}"),
        "source": rng.pick(OFFICES),
        "views": if rng.below(20) == 0 { Value::Null } else { json!(rng.below(20000)) },
        "sample": true,
        "body": body,
    })
}

/// `count` bulletins from `seed`, as the text of a `bulletins.json`.
pub fn bulletins_json(count: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let list: Vec<Value> = (0..count).map(|n| bulletin(&mut rng, n)).collect();
    serde_json::to_string(&json!({ "bulletins": list })).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_bulletins, decode_site};

    const SITE: &str = include_str!("../../../tests/fixtures/json/site.json");

    #[test]
    fn same_seed_same_corpus_and_it_decodes() {
        let a = bulletins_json(50, 7);
        assert_eq!(a, bulletins_json(50, 7));
        assert_ne!(a, bulletins_json(50, 8));
        let site = decode_site(SITE).unwrap();
        let docs = decode_bulletins(&a, &site).unwrap();
        assert_eq!(docs.len(), 50);
        assert!(docs.iter().all(|d| d.sample && !d.body.is_empty()));
    }
}
