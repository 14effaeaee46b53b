//! Value types whose domain is checked when they are read, so that a bad value is a load error
//! at its own field rather than a panic or a silent clamp later.

use std::fmt;
use std::str::FromStr;

use ipnet::Ipv4Net;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An IPv4 CIDR block as the user wrote it (host bits are kept, so a rule can point at them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr(pub Ipv4Net);

impl Cidr {
    pub fn net(self) -> Ipv4Net {
        self.0
    }

    pub fn prefix_len(self) -> u8 {
        self.0.prefix_len()
    }

    /// The block with host bits cleared (`10.0.0.1/16` -> `10.0.0.0/16`).
    pub fn trunc(self) -> Cidr {
        Cidr(self.0.trunc())
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        let (a, b) = (self.0.trunc(), other.0.trunc());
        a.contains(&b.network()) || b.contains(&a.network())
    }

    /// Number of addresses in the block.
    pub fn size(self) -> u64 {
        1u64 << (32 - u32::from(self.0.prefix_len()))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ipv4Net::from_str(s)
            .map(Cidr)
            .map_err(|_| format!("`{s}` is not an IPv4 CIDR"))
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CidrVisitor;
        impl Visitor<'_> for CidrVisitor {
            type Value = Cidr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an IPv4 CIDR such as `10.0.0.0/16`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cidr, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(CidrVisitor)
    }
}

/// Aurora Serverless v2 capacity: 0 to 256 ACU in steps of 0.5.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Acu(f64);

impl Acu {
    pub const MAX: f64 = 256.0;

    pub fn new(value: f64) -> Result<Acu, String> {
        if !value.is_finite() || value < 0.0 {
            return Err(format!(
                "`{value}` is not a capacity: expected 0 to 256 ACU"
            ));
        }
        if value > Self::MAX {
            return Err(format!(
                "`{value}` ACU is above the Serverless v2 maximum of 256"
            ));
        }
        if (value * 2.0).fract() != 0.0 {
            return Err(format!("`{value}` ACU is not a multiple of 0.5"));
        }
        Ok(Acu(value))
    }

    /// The nearest valid capacity (rounded down to a half step, clamped to 0..=256).
    pub fn saturating(value: f64) -> Acu {
        let clamped = if value.is_finite() {
            value.clamp(0.0, Self::MAX)
        } else {
            0.0
        };
        Acu((clamped * 2.0).floor() / 2.0)
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl Serialize for Acu {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_number(self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Acu {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Acu::new(value).map_err(de::Error::custom)
    }
}

/// A quantity that cannot be negative (requests, GB, dollars).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct NonNegative(f64);

impl NonNegative {
    pub const ZERO: NonNegative = NonNegative(0.0);

    pub fn new(value: f64) -> Result<NonNegative, String> {
        if value.is_finite() && value >= 0.0 {
            Ok(NonNegative(value))
        } else {
            Err(format!(
                "`{value}` is negative: expected a number of 0 or more"
            ))
        }
    }

    /// The value, or 0 for a negative or non-finite one.
    pub fn saturating(value: f64) -> NonNegative {
        if value.is_finite() && value > 0.0 {
            NonNegative(value)
        } else {
            NonNegative(0.0)
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl Serialize for NonNegative {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_number(self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for NonNegative {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        NonNegative::new(value).map_err(de::Error::custom)
    }
}

/// Whole numbers are written without a fraction, so `1000000` stays `1000000` on a round trip.
fn serialize_number<S: Serializer>(value: f64, serializer: S) -> Result<S::Ok, S::Error> {
    // 2^53: every integer below it is exact in an f64.
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to be an exact integer"
        )]
        serializer.serialize_i64(value as i64)
    } else {
        serializer.serialize_f64(value)
    }
}
