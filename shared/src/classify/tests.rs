use super::*;

fn code(s: &str) -> CategoryCode {
    CategoryCode::parse(s).unwrap()
}

/// Three topics, each with its own vocabulary, wrapped in shared filler so the rule has to be learned.
fn chinese() -> Vec<(String, String, CategoryCode)> {
    let topics = [
        ("01", ["路灯不亮", "道路坑洼", "井盖缺失", "路面破损"]),
        ("02", ["工资拖欠", "社保断缴", "劳动合同", "养老保险"]),
        ("03", ["噪音扰民", "污水排放", "垃圾焚烧", "空气污染"]),
    ];
    let fillers = ["请有关部门尽快处理", "希望领导重视", "已经反映多次了", "严重影响居民生活"];
    let mut rows = Vec::new();
    for (i, filler) in fillers.iter().enumerate() {
        for (code_str, words) in &topics {
            for (j, w) in words.iter().enumerate() {
                let other = words[(j + i + 1) % words.len()];
                rows.push((
                    format!("A市{w}问题"),
                    format!("我们小区{other}，{filler}。联系电话1380000{i}{j}"),
                    code(code_str),
                ));
            }
        }
    }
    rows
}

fn english() -> Vec<(String, String, CategoryCode)> {
    let topics = [
        ("01", ["pothole in the road", "street light out", "broken sidewalk", "traffic signal repair"]),
        ("02", ["missed trash pickup", "dirty alley", "bulk item collection", "recycling not collected"]),
        ("03", ["water main break", "sewer backup", "low water pressure", "fire hydrant leaking"]),
    ];
    let fillers = ["please fix it soon", "it has been weeks", "reported before", "neighbors are upset"];
    let mut rows = Vec::new();
    for (i, filler) in fillers.iter().enumerate() {
        for (code_str, phrases) in &topics {
            for (j, p) in phrases.iter().enumerate() {
                let other = phrases[(j + i + 1) % phrases.len()];
                rows.push((
                    p.to_uppercase(),
                    format!("There is a {other} at 12{i}{j} Main St. {filler}!"),
                    code(code_str),
                ));
            }
        }
    }
    rows
}

fn all_params() -> Vec<Params> {
    let base = Params::default();
    vec![
        base.clone(),
        Params::baseline(1.0),
        Params { members: vec![Learner::Softmax { lambda: 1e-4, epochs: 20 }], ..base.clone() },
        Params { members: vec![Learner::NbSvm { c: 1.0, alpha: 1.0 }], ..base.clone() },
        Params { members: vec![Learner::ComplementNb { alpha: 0.5 }], calibration_folds: 0, ..base },
    ]
}

#[test]
fn learns_the_obvious_chinese_rule() {
    for params in all_params() {
        let model = train(&chinese(), &params);
        assert_eq!(model.classes(), &[code("01"), code("02"), code("03")]);
        let cases = [
            ("路灯坏了", "门口路灯不亮好几天", "01"),
            ("讨薪", "公司拖欠工资三个月", "02"),
            ("", "夜里噪音扰民", "03"),
        ];
        for (t, d, want) in cases {
            let s = model.suggest(t, d, 3);
            assert_eq!(s[0].0.as_str(), want, "{params:?}: {t}/{d} → {s:?}");
        }
    }
}

#[test]
fn learns_the_obvious_english_rule() {
    for params in all_params() {
        let model = train(&english(), &params);
        let cases = [
            ("Pothole", "huge pothole on our road", "01"),
            ("", "the trash pickup was missed again", "02"),
            ("Sewer", "sewer backup in the basement", "03"),
        ];
        for (t, d, want) in cases {
            let s = model.suggest(t, d, 1);
            assert_eq!(s[0].0.as_str(), want, "{params:?}: {t}/{d} → {s:?}");
        }
    }
}

#[test]
fn confidences_are_sorted_and_sum_to_at_most_one() {
    let model = train(&chinese(), &Params::default());
    for (t, d) in [("路灯", "坏了"), ("", ""), ("工资", "噪音 street light"), ("？？？", "!!!")] {
        let all = model.suggest(t, d, 10);
        assert_eq!(all.len(), 3);
        assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "{all:?}");
        let total: f32 = all.iter().map(|s| s.1).sum();
        assert!(total <= 1.0 + 1e-5 && total > 0.99, "{total}");
        assert!(all.iter().all(|s| (0.0..=1.0).contains(&s.1)));
        let top2 = model.suggest(t, d, 2);
        assert_eq!(top2.as_slice(), &all[..2]);
    }
}

#[test]
fn empty_text_does_not_panic() {
    let model = train(&english(), &Params::default());
    let s = model.suggest("", "", 3);
    assert_eq!(s.len(), 3);
    assert!(model.suggest("", "", 0).is_empty());
    // Degenerate training sets.
    let empty = train(&[], &Params::default());
    assert!(empty.classes().is_empty());
    assert!(empty.suggest("路灯", "坏了", 3).is_empty());
    let one = train(&[("a".into(), "b".into(), code("05"))], &Params::default());
    assert_eq!(one.suggest("x", "y", 3), vec![(code("05"), 1.0)]);
    let blank: Vec<_> =
        (0..12).map(|i| (String::new(), String::new(), code(if i % 2 == 0 { "01" } else { "02" }))).collect();
    let m = train(&blank, &Params::default());
    assert_eq!(m.suggest("", "", 2).len(), 2);
    for (_, p) in m.suggest("噪音", "", 2) {
        assert!(p.is_finite());
    }
}

#[test]
fn round_trip_keeps_every_prediction() {
    let rows = chinese();
    for params in all_params() {
        let model = train(&rows, &params);
        let bytes = model.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back, model);
        for (t, d, _) in rows.iter().chain(english().iter()) {
            assert_eq!(back.probabilities(t, d), model.probabilities(t, d));
        }
        assert_eq!(back.to_bytes(), bytes);
    }
}

#[test]
fn corrupt_bytes_are_refused() {
    let bytes = train(&chinese(), &Params::default()).to_bytes();
    assert!(Model::from_bytes(&[]).is_err());
    assert!(Model::from_bytes(b"nope").is_err());
    for cut in [5, 20, bytes.len() / 2, bytes.len() - 1] {
        assert!(Model::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Model::from_bytes(&longer).is_err());
}

#[test]
fn training_is_deterministic() {
    let rows = chinese();
    let a = train(&rows, &Params::default());
    let b = train(&rows, &Params::default());
    assert_eq!(a.to_bytes(), b.to_bytes());
    let other = train(&rows, &Params { seed: 99, ..Params::default() });
    assert_eq!(other.classes(), a.classes());
}

#[test]
fn calibration_is_reported() {
    let model = train(&chinese(), &Params::default());
    let info = model.info();
    assert_eq!(info.training_rows, 48);
    assert_eq!(info.member_weights.len(), Params::default().members.len());
    assert!(info.member_weights.iter().all(|&a| a >= 0.0));
    assert!(info.oof_accuracy > 0.5, "{info:?}");
}

#[test]
fn suggestions_carry_catalogue_names_and_auto_dispatch_uses_the_threshold() {
    let model = train(&chinese(), &Params::default());
    let resp = suggest(&model, Catalogue::builtin(), "路灯不亮", "路灯不亮", 2);
    assert_eq!(resp.suggestions.len(), 2);
    let top = &resp.suggestions[0];
    assert_eq!(top.category_code.as_str(), "01");
    assert_eq!(top.level1, "城乡建设");
    assert_eq!(top.path, vec!["城乡建设".to_owned()]);
    let json = serde_json::to_value(&resp).unwrap();
    assert!(json["suggestions"][0]["confidence"].is_number());
    let raw = model.suggest("路灯不亮", "路灯不亮", 1);
    assert_eq!(auto_dispatch(&raw, 0.0), Some(code("01")));
    assert_eq!(auto_dispatch(&raw, 1.01), None);
    assert_eq!(auto_dispatch(&[], 0.0), None);
}
