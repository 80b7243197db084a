//! The embedded defaults and bank, and the small helpers, without a model directory.
use super::classify::id2label;
use super::net::softmax;
use super::settings::DEFAULTS_TOML;
use super::*;
use crate::classify::Label;
use toml::Table;

#[test]
fn defaults_parse_and_bank_loads() {
    let s: Table = toml::from_str(DEFAULTS_TOML).unwrap();
    assert!(s.contains_key("exemplars"));
    let bank = Exemplar::defaults();
    assert!(bank.len() >= 200, "{}", bank.len());
    for label in Label::ALL {
        assert!(bank.iter().any(|e| e.label == label), "{label:?}");
    }
}

#[test]
fn softmax_is_a_distribution() {
    let p = softmax(&[1.0, 2.0, 3.0], 0.5);
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    assert!(p[2] > p[1] && p[1] > p[0]);
}

#[test]
fn id2label_fills_gaps() {
    let v: serde_json::Value =
        serde_json::from_str(r#"{"id2label": {"1": "b", "0": "a", "3": "d"}}"#).unwrap();
    // three entries, three outputs: index 3 does not exist, index 2 has no name
    assert_eq!(id2label(&v), ["a", "b", "LABEL_2"]);
}
