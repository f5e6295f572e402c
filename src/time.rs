//! RFC 3339 timestamps in UTC, from milliseconds since the Unix epoch.

use crate::write::push_padded;

/// Milliseconds in a day.
const MS_PER_DAY: i64 = 86_400_000;

/// `2026-12-03T13:05:11.123Z` for a count of milliseconds since 1970-01-01T00:00:00Z.
/// Times before the epoch are clamped to it, so every field is non-negative.
pub fn rfc3339(epoch_ms: f64) -> String {
    let ms = if epoch_ms.is_finite() && epoch_ms > 0.0 {
        epoch_ms as i64
    } else {
        0
    };
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(24);
    push_padded(&mut out, year as u64, 4);
    out.push('-');
    push_padded(&mut out, month as u64, 2);
    out.push('-');
    push_padded(&mut out, day as u64, 2);
    out.push('T');
    push_padded(&mut out, (in_day / 3_600_000) as u64, 2);
    out.push(':');
    push_padded(&mut out, (in_day / 60_000 % 60) as u64, 2);
    out.push(':');
    push_padded(&mut out, (in_day / 1000 % 60) as u64, 2);
    out.push('.');
    push_padded(&mut out, (in_day % 1000) as u64, 3);
    out.push('Z');
    out
}

/// Year, month and day of a day count since 1970-01-01, in the proleptic Gregorian calendar
/// (the "days from civil" inversion, in 400-year eras).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_614_265_330_123.0), "2021-02-25T15:02:10.123Z");
        assert_eq!(rfc3339(1_796_302_799_999.0), "2026-12-03T12:59:59.999Z");
        assert_eq!(rfc3339(4_102_444_800_000.0), "2100-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(-5.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(f64::NAN), "1970-01-01T00:00:00.000Z");
    }
}
