//! The lexicon's vocabulary: categories, severity, ambiguity and languages.
use serde::{Deserialize, Serialize};

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $var),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The name used in lexicon files and in the output record.
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),+ } }
            /// Parses the name used in lexicon files.
            pub fn parse(s: &str) -> Option<$name> { match s { $($s => Some($name::$var),)+ _ => None } }
            pub(crate) fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

str_enum! {
    /// What kind of harm a lexicon entry names.
    ///
    /// ```
    /// use tahrid::lexicon::Category;
    /// assert_eq!(Category::parse("takfir"), Some(Category::Takfir));
    /// assert_eq!(Category::SectarianSlur.as_str(), "sectarian_slur");
    /// ```
    Category {
        /// A derogatory name for a religious or sectarian group.
        SectarianSlur => "sectarian_slur",
        /// An excommunication label that licenses violence (apostate, taghut).
        Takfir => "takfir",
        /// A call to violence.
        Incitement => "incitement",
        /// A movement slogan or a named campaign.
        Slogan => "slogan",
        /// An extremist group, outlet or leader.
        Organization => "organization",
        /// Praise of attacks and attackers.
        Glorification => "glorification",
        /// People described as animals, filth or disease.
        Dehumanization => "dehumanization",
    }
}

str_enum! {
    /// How often an entry's forms mean something harmless.
    ///
    /// `low`: the form is the harmful term almost everywhere. `medium`: common innocent uses
    /// exist. `high`: the innocent use dominates (a Quran verse, a town, a dynasty); the term
    /// counts only with supporting context.
    ///
    /// ```
    /// use tahrid::lexicon::Ambiguity;
    /// assert!(Ambiguity::Low < Ambiguity::High);
    /// ```
    Ambiguity {
        /// Almost always the harmful term.
        Low => "low",
        /// Often innocent.
        Medium => "medium",
        /// Mostly innocent.
        High => "high",
    }
}

str_enum! {
    /// The languages (and, for Uzbek, scripts) tahrid's lexicon is written for; the codes are
    /// BCP 47 tags. Dari is written as `fa`.
    ///
    /// ```
    /// use tahrid::lexicon::Lang;
    /// assert_eq!(Lang::parse("uz-Cyrl"), Some(Lang::UzCyrl));
    /// assert_eq!(Lang::Tg.as_str(), "tg");
    /// ```
    Lang {
        /// English.
        En => "en",
        /// Arabic.
        Ar => "ar",
        /// Persian and Dari.
        Fa => "fa",
        /// Pashto.
        Ps => "ps",
        /// Urdu (Arabic script).
        Ur => "ur",
        /// Russian.
        Ru => "ru",
        /// Tajik (Cyrillic).
        Tg => "tg",
        /// Uzbek, Latin script.
        Uz => "uz",
        /// Uzbek, Cyrillic script.
        UzCyrl => "uz-Cyrl",
        /// Kyrgyz.
        Ky => "ky",
        /// Turkish.
        Tr => "tr",
    }
}
