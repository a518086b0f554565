/// Reads the `timestamp` attributes JUnit producers write.
public enum JUnitTimestamp {
    /// Seconds since 1970-01-01T00:00:00 UTC of a timestamp such as `2026-11-29T01:02:03` (conform, Surefire),
    /// `2026-11-29T01:02:03.123456+01:00` (pytest), `2026-11-29T01:02:03Z` or `2021-03-07 10:36:56 UTC`.
    ///
    /// The date and time are required; a fraction of a second is ignored; the zone may be `Z`, `UTC`, `GMT`,
    /// `±HH:MM`, `±HHMM` or `±HH`, optionally after a space. A timestamp without a zone is read as UTC (conform
    /// writes UTC; other producers may write local time, which then counts as off by the zone's offset).
    /// - Returns: The moment, or `nil` when the text is not such a timestamp.
    public static func secondsSince1970(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func digit(_ index: Int) -> Int? {
            guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { return nil }
            return Int(bytes[index] - 0x30)
        }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                guard let digit = digit(index) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2),
            bytes[7] == UInt8(ascii: "-"), let day = number(8, 2),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "t"),
            let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            bytes[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return nil }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard year >= 1, (1...12).contains(month), (1...monthDays[month - 1]).contains(day), hour < 24, minute < 60,
            second <= 60
        else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            let start = index
            while digit(index) != nil { index += 1 }
            guard index > start else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        let zone = String(decoding: bytes[index...], as: UTF8.self)
        guard let offset = offsetSeconds(zone) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
    }

    /// The zone's offset east of UTC in seconds; `nil` when it is not a zone.
    private static func offsetSeconds(_ zone: String) -> Int? {
        if zone.isEmpty || zone == "Z" || zone == "z" || zone == "UTC" || zone == "GMT" { return 0 }
        let bytes = Array(zone.utf8)
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let digits = bytes.dropFirst().filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            bytes.count - 1 - digits.count <= 1
        else { return nil }
        let values = digits.map { Int($0 - 0x30) }
        let hours = values[0] * 10 + values[1]
        let minutes = values.count == 4 ? values[2] * 10 + values[3] : 0
        guard hours <= 18, minutes < 60 else { return nil }
        return (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
