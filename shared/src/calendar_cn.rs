//! China's official public holidays and 调休 make-up working days, as shipped data.
//!
//! Copied day by day from 国务院办公厅关于2026年部分节假日安排的通知 (State Council General
//! Office, 2025-11-04):
//! - <https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm> (gov.cn policy library)
//! - Xinhua full text as reprinted by Guangming: <https://politics.gmw.cn/2025-11/04/content_38391083.htm>
//!
//! Every day of a holiday span the notice states is listed, weekend days inside the span
//! included (`Holiday`); every weekend day the notice says is worked is listed (`Workday`).
//!
//! 2027 is not shipped: the State Council notice for 2027 (expected around November 2026) had
//! not been found when this table was written, and holiday dates are never guessed. Until a
//! release adds it, admins enter 2027 through the calendar API (a whole year's list replaces
//! that year); without entries, 2027 counts plain Monday–Friday.

use crate::calendar::DayKind;
use crate::calendar::DayKind::{Holiday, Workday};

/// `(YYYY-MM-DD, kind, Chinese name)`, in date order.
pub const DAYS: &[(&str, DayKind, &str)] = &[
    // 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    ("2026-01-01", Holiday, "元旦"),
    ("2026-01-02", Holiday, "元旦"),
    ("2026-01-03", Holiday, "元旦"),
    ("2026-01-04", Workday, "元旦调休上班"),
    // 二、春节：2月15日（腊月二十八、周日）至23日（正月初七、周一）放假调休，共9天。
    //     2月14日（周六）、2月28日（周六）上班。
    ("2026-02-14", Workday, "春节调休上班"),
    ("2026-02-15", Holiday, "春节"),
    ("2026-02-16", Holiday, "春节"),
    ("2026-02-17", Holiday, "春节"),
    ("2026-02-18", Holiday, "春节"),
    ("2026-02-19", Holiday, "春节"),
    ("2026-02-20", Holiday, "春节"),
    ("2026-02-21", Holiday, "春节"),
    ("2026-02-22", Holiday, "春节"),
    ("2026-02-23", Holiday, "春节"),
    ("2026-02-28", Workday, "春节调休上班"),
    // 三、清明节：4月4日（周六）至6日（周一）放假，共3天。
    ("2026-04-04", Holiday, "清明节"),
    ("2026-04-05", Holiday, "清明节"),
    ("2026-04-06", Holiday, "清明节"),
    // 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
    ("2026-05-01", Holiday, "劳动节"),
    ("2026-05-02", Holiday, "劳动节"),
    ("2026-05-03", Holiday, "劳动节"),
    ("2026-05-04", Holiday, "劳动节"),
    ("2026-05-05", Holiday, "劳动节"),
    ("2026-05-09", Workday, "劳动节调休上班"),
    // 五、端午节：6月19日（周五）至21日（周日）放假，共3天。
    ("2026-06-19", Holiday, "端午节"),
    ("2026-06-20", Holiday, "端午节"),
    ("2026-06-21", Holiday, "端午节"),
    // 七、国庆节 make-up day (listed here for date order): 9月20日（周日）上班。
    ("2026-09-20", Workday, "国庆节调休上班"),
    // 六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
    ("2026-09-25", Holiday, "中秋节"),
    ("2026-09-26", Holiday, "中秋节"),
    ("2026-09-27", Holiday, "中秋节"),
    // 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
    ("2026-10-01", Holiday, "国庆节"),
    ("2026-10-02", Holiday, "国庆节"),
    ("2026-10-03", Holiday, "国庆节"),
    ("2026-10-04", Holiday, "国庆节"),
    ("2026-10-05", Holiday, "国庆节"),
    ("2026-10-06", Holiday, "国庆节"),
    ("2026-10-07", Holiday, "国庆节"),
    ("2026-10-10", Workday, "国庆节调休上班"),
];
