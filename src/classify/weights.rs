//! The scoring weights, read from `models/context/weights.toml` (see the [stage docs](crate::classify)).
use std::sync::OnceLock;

use toml::{Table, Value};

use crate::context::{Hit, Role};
use crate::lexicon::{Ambiguity, LexiconError};
use crate::toml_path::{lookup, PathError};

const WEIGHTS_TOML: &str = include_str!("../../models/context/weights.toml");

/// The scoring weights; see the [stage docs](crate::classify) and `models/context/weights.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// Score at which a label wins.
    pub threshold: f32,
    /// Words around a hit that context cues reach.
    pub window: usize,
    /// Words between a violence verb and its target (same sentence).
    pub target_distance: usize,
    /// Words between a hate verb or insult and its target (across sentences).
    pub predicate_distance: usize,
    /// Words between a takfir predicate and its target (same sentence).
    pub takfir_distance: usize,
    /// Factor per ambiguity: low, medium, high.
    pub ambiguity: [f32; 3],
    /// Factor per role: use, mention, negated, counter.
    pub role: [f32; 4],
    /// Composite rules: incitement, hostile predicate.
    pub composite_incitement: f32,
    /// Weight of a hostile-predicate composite.
    pub composite_hostile_predicate: f32,
    /// Document cue weights.
    pub honorific: f32,
    /// A violence cue without a target.
    pub violence_alone: f32,
    /// Outsider naming (toward reporting).
    pub outsider: f32,
    /// Reporting register (toward reporting).
    pub reporting: f32,
    /// Attribution (toward reporting).
    pub attribution: f32,
    /// Definition (toward reporting).
    pub definition: f32,
    /// Condemnation (toward reporting).
    pub condemnation: f32,
    /// A hit in mention role (toward reporting).
    pub mention_hit: f32,
    /// A hit in counter role (toward reporting).
    pub counter_hit: f32,
    /// How strongly reporting evidence damps harmful scores.
    pub damping: f32,
}

impl Weights {
    /// The weights embedded in the crate, parsed once.
    ///
    /// ```
    /// use tahrid::classify::Weights;
    /// assert_eq!(Weights::embedded().threshold, 0.5);
    /// ```
    pub fn embedded() -> &'static Weights {
        static W: OnceLock<Weights> = OnceLock::new();
        W.get_or_init(|| {
            Weights::from_toml_str("weights.toml", WEIGHTS_TOML)
                .expect("the embedded weights are valid (checked by tests)")
        })
    }

    /// Parses a weights file in the format of `models/context/weights.toml`. Every field is
    /// required; weights must lie in `[0, 1]`.
    ///
    /// ```
    /// use tahrid::classify::Weights;
    /// let err = Weights::from_toml_str("w.toml", "threshold = 2.0").unwrap_err();
    /// assert!(err.to_string().starts_with("w.toml: entry `weights`: field `threshold`"));
    /// ```
    pub fn from_toml_str(name: &str, text: &str) -> Result<Weights, LexiconError> {
        let t: Table = toml::from_str(text).map_err(|e| LexiconError::Parse {
            file: name.to_string(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        let err = |field: &str, message: String| LexiconError::Invalid {
            file: name.to_string(),
            entry: "weights".into(),
            field: field.to_string(),
            message,
        };
        let get = |path: &str| -> Result<f32, LexiconError> {
            let v = lookup(&t, path).map_err(|e| match e {
                PathError::Missing => err(path, "missing".into()),
                PathError::NotATable => err(path, "expected a table".into()),
            })?;
            let f = match v {
                Value::Float(f) => *f as f32,
                Value::Integer(i) => *i as f32,
                _ => return Err(err(path, "expected a number".into())),
            };
            if !(0.0..=1.0).contains(&f) {
                return Err(err(path, format!("{f} is out of range (0 to 1)")));
            }
            Ok(f)
        };
        let count = |field: &str| -> Result<usize, LexiconError> {
            match t.get(field) {
                Some(Value::Integer(i)) if (1..=64).contains(i) => Ok(*i as usize),
                Some(_) => Err(err(field, "expected an integer 1 to 64".into())),
                None => Err(err(field, "missing".into())),
            }
        };
        Ok(Weights {
            threshold: get("threshold")?,
            window: count("window")?,
            target_distance: count("target_distance")?,
            predicate_distance: count("predicate_distance")?,
            takfir_distance: count("takfir_distance")?,
            ambiguity: [
                get("ambiguity.low")?,
                get("ambiguity.medium")?,
                get("ambiguity.high")?,
            ],
            role: [
                get("role.use")?,
                get("role.mention")?,
                get("role.negated")?,
                get("role.counter")?,
            ],
            composite_incitement: get("composite.incitement")?,
            composite_hostile_predicate: get("composite.hostile_predicate")?,
            honorific: get("document.honorific")?,
            violence_alone: get("document.violence_alone")?,
            outsider: get("document.outsider")?,
            reporting: get("document.reporting")?,
            attribution: get("document.attribution")?,
            definition: get("document.definition")?,
            condemnation: get("document.condemnation")?,
            mention_hit: get("document.mention_hit")?,
            counter_hit: get("document.counter_hit")?,
            damping: get("document.damping")?,
        })
    }

    pub(super) fn ambiguity_factor(&self, a: Ambiguity) -> f32 {
        match a {
            Ambiguity::Low => self.ambiguity[0],
            Ambiguity::Medium => self.ambiguity[1],
            Ambiguity::High => self.ambiguity[2],
        }
    }

    /// What a hit or rule in this role adds to `reporting`.
    pub(super) fn reporting_weight(&self, r: Role) -> f32 {
        match r {
            Role::Mention => self.mention_hit,
            Role::Counter => self.counter_hit,
            Role::Use | Role::Negated => 0.0,
        }
    }

    /// A hit's weight toward its label.
    pub(super) fn hit_weight(&self, h: &Hit) -> f32 {
        f32::from(h.severity) / 3.0 * self.ambiguity_factor(h.ambiguity) * self.role_factor(h.role)
    }

    pub(super) fn role_factor(&self, r: Role) -> f32 {
        match r {
            Role::Use => self.role[0],
            Role::Mention => self.role[1],
            Role::Negated => self.role[2],
            Role::Counter => self.role[3],
        }
    }
}
