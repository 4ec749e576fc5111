//! The domain: plain types and rules of Commons. No I/O, no framework types.

/// Declares a closed set of names stored and served in SCREAMING_SNAKE_CASE.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("unknown {} {other}", stringify!($name))),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod activity_report;
pub mod adoption;
pub mod appeal;
pub mod attachment;
pub mod collaboration;
pub mod collection;
pub mod content_report;
pub mod enterprise_number;
pub mod evaluation;
pub mod funding;
pub mod identity;
pub mod lang;
pub mod legal_frame;
pub mod mail;
pub mod money;
pub mod notification;
pub mod organisation;
pub mod policy;
pub mod responsibility;
pub mod review;
pub mod service_offering;
pub mod synonyms;
pub mod tool;
pub mod translation_offer;
pub mod validation;
pub mod workflow;
