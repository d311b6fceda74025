//! The responsibility list (权责清单): which department leads a request and which co-handle,
//! by category × area × kind. Rules are data; this module only decides between them.
//!
//! Precedence, most specific first:
//! 1. the rule's category is the deepest ancestor-or-self of the request's category
//!    (a leaf rule beats a second-level rule beats a first-level rule beats "any category");
//! 2. then the deepest area containing the request (street beats district beats "anywhere");
//! 3. then a rule for the request's kind (citizen / enterprise) beats a rule for any kind.
//!
//! Among the rules that tie on all three, one lead is an answer; two different leads are an
//! ambiguity that goes to a person (and shows in the coverage report).

use crate::catalogue::{Catalogue, CategoryCode};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::request::RequestKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// `None`: every category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryCode>,
    /// An area code; `None`: everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RequestKind>,
    pub lead: String,
    #[serde(default)]
    pub co_handlers: Vec<String>,
}

/// Where a request is: its areas from the most specific (street) to the widest (district).
pub type AreaChain = Vec<String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Resolution {
    Resolved {
        lead: String,
        co_handlers: Vec<String>,
        rule: usize,
    },
    NoRule,
    /// Equally specific rules name different leads.
    Ambiguous {
        leads: Vec<String>,
        rules: Vec<usize>,
    },
}

/// (category depth, area depth, kind specific): larger is more specific. `None` if the rule does not apply.
fn specificity(
    rule: &Rule,
    category: &CategoryCode,
    areas: &AreaChain,
    kind: RequestKind,
) -> Option<(usize, usize, bool)> {
    let category_depth = match &rule.category {
        None => 0,
        Some(c) if category.as_str() == c.as_str() || category.as_str().starts_with(&format!("{}.", c.as_str())) => {
            c.level()
        }
        Some(_) => return None,
    };
    let area_depth = match &rule.area {
        None => 0,
        // The chain runs street → district, so an earlier position is deeper.
        Some(a) => areas.len() - areas.iter().position(|x| x == a)?,
    };
    let kind_specific = match rule.kind {
        None => false,
        Some(k) if k == kind => true,
        Some(_) => return None,
    };
    Some((category_depth, area_depth, kind_specific))
}

pub fn resolve(rules: &[Rule], category: &CategoryCode, areas: &AreaChain, kind: RequestKind) -> Resolution {
    let scored: Vec<(usize, (usize, usize, bool))> =
        rules.iter().enumerate().filter_map(|(i, r)| specificity(r, category, areas, kind).map(|s| (i, s))).collect();
    let Some(best) = scored.iter().map(|(_, s)| *s).max() else {
        return Resolution::NoRule;
    };
    let winners: Vec<usize> = scored.iter().filter(|(_, s)| *s == best).map(|(i, _)| *i).collect();
    let mut leads: Vec<String> = winners.iter().map(|i| rules[*i].lead.clone()).collect();
    leads.sort();
    leads.dedup();
    if leads.len() > 1 {
        return Resolution::Ambiguous { leads, rules: winners };
    }
    let lead = leads.remove(0);
    let mut co_handlers: Vec<String> = Vec::new();
    for i in &winners {
        for c in &rules[*i].co_handlers {
            if *c != lead && !co_handlers.contains(c) {
                co_handlers.push(c.clone());
            }
        }
    }
    Resolution::Resolved { lead, co_handlers, rule: winners[0] }
}

/// One hole or clash in the list, for the admin's coverage page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageGap {
    pub category: CategoryCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    pub kind: RequestKind,
    pub resolution: Resolution,
}

/// Every leaf × area (and "no area") × kind that resolves to no lead or to more than one.
/// `areas` are chains, one per area to check (street chains include their district).
pub fn coverage(rules: &[Rule], catalogue: &Catalogue, areas: &[AreaChain]) -> Vec<CoverageGap> {
    let mut places: Vec<AreaChain> = vec![Vec::new()];
    places.extend(areas.iter().cloned());
    let leaves: Vec<CategoryCode> = catalogue
        .tree()
        .iter()
        .flat_map(|l1| l1.children.iter())
        .flat_map(|l2| l2.children.iter())
        .map(|l3| l3.code.clone())
        .collect();
    let mut gaps = Vec::new();
    for leaf in &leaves {
        for place in &places {
            for kind in [RequestKind::Citizen, RequestKind::Enterprise] {
                let resolution = resolve(rules, leaf, place, kind);
                if !matches!(resolution, Resolution::Resolved { .. }) {
                    gaps.push(CoverageGap { category: leaf.clone(), area: place.first().cloned(), kind, resolution });
                }
            }
        }
    }
    gaps
}

/// A rule as sent by the admin page; checked against the catalogue and known departments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub lead: Option<String>,
    #[serde(default)]
    pub co_handlers: Option<Vec<String>>,
}

impl Rule {
    pub fn parse(
        input: &RuleInput,
        catalogue: &Catalogue,
        department_exists: &dyn Fn(&str) -> bool,
        area_exists: &dyn Fn(&str) -> bool,
    ) -> Result<Rule, FieldErrors> {
        let mut errors = FieldErrors::new();
        let category = match input.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => {
                let code = catalogue.resolve(raw);
                if code.is_none() {
                    errors.add("category", FieldErrorCode::UnknownCategory, format!("no category {raw}"));
                }
                code
            }
        };
        let area = input.area.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned);
        if let Some(a) = &area {
            if !area_exists(a) {
                errors.add("area", FieldErrorCode::UnknownValue, format!("no area {a}"));
            }
        }
        let kind = match input.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            Some(raw) => {
                let k = RequestKind::parse(raw);
                if k.is_none() {
                    errors.add("kind", FieldErrorCode::UnknownValue, "kind is citizen or enterprise");
                }
                k
            }
        };
        let lead = input.lead.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned);
        match &lead {
            None => errors.add("lead", FieldErrorCode::Required, "a lead department is required"),
            Some(l) if !department_exists(l) => {
                errors.add("lead", FieldErrorCode::UnknownValue, format!("no department {l}"))
            }
            Some(_) => {}
        }
        let co_handlers = input.co_handlers.clone().unwrap_or_default();
        for (i, c) in co_handlers.iter().enumerate() {
            if !department_exists(c) {
                errors.add(&format!("co_handlers[{i}]"), FieldErrorCode::UnknownValue, format!("no department {c}"));
            }
        }
        match lead {
            Some(lead) if errors.is_empty() => Ok(Rule { category, area, kind, lead, co_handlers }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> CategoryCode {
        CategoryCode::parse(c).unwrap()
    }

    fn rule(category: Option<&str>, area: Option<&str>, kind: Option<RequestKind>, lead: &str, co: &[&str]) -> Rule {
        Rule {
            category: category.map(code),
            area: area.map(str::to_owned),
            kind,
            lead: lead.to_owned(),
            co_handlers: co.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn street() -> AreaChain {
        vec!["a3-dongtang".into(), "a3".into()]
    }

    /// The seed's example: noise → urban management leads; the street office, ecology and
    /// law enforcement co-handle.
    fn list() -> Vec<Rule> {
        vec![
            rule(None, None, None, "centre", &[]),
            rule(None, None, Some(RequestKind::Enterprise), "coord.enterprise", &[]),
            rule(Some("04"), None, None, "city.ecology", &[]),
            rule(Some("04.02.03"), None, None, "city.urban-management", &["city.ecology", "city.law-enforcement"]),
            rule(
                Some("04.02.03"),
                Some("a3-dongtang"),
                None,
                "city.urban-management",
                &["a3.dongtang", "city.ecology"],
            ),
        ]
    }

    #[test]
    fn the_most_specific_category_wins() {
        let r = resolve(&list(), &code("04.02.03"), &Vec::new(), RequestKind::Citizen);
        assert_eq!(
            r,
            Resolution::Resolved {
                lead: "city.urban-management".into(),
                co_handlers: vec!["city.ecology".into(), "city.law-enforcement".into()],
                rule: 3
            }
        );
        let r = resolve(&list(), &code("04.02.01"), &Vec::new(), RequestKind::Citizen);
        assert!(matches!(r, Resolution::Resolved { ref lead, .. } if lead == "city.ecology"));
        let r = resolve(&list(), &code("01.01.01"), &Vec::new(), RequestKind::Citizen);
        assert!(matches!(r, Resolution::Resolved { ref lead, .. } if lead == "centre"));
    }

    #[test]
    fn a_street_rule_beats_the_citywide_one_for_the_same_category() {
        let r = resolve(&list(), &code("04.02.03"), &street(), RequestKind::Citizen);
        assert_eq!(
            r,
            Resolution::Resolved {
                lead: "city.urban-management".into(),
                co_handlers: vec!["a3.dongtang".into(), "city.ecology".into()],
                rule: 4
            }
        );
    }

    #[test]
    fn category_outranks_area_and_area_outranks_kind() {
        let rules = vec![
            rule(Some("04"), Some("a3"), None, "district", &[]),
            rule(Some("04.02"), None, None, "bureau", &[]),
            rule(Some("04.02"), None, Some(RequestKind::Enterprise), "enterprise", &[]),
            rule(Some("04.02"), Some("a3"), None, "district-bureau", &[]),
        ];
        let lead = |areas: &AreaChain, kind| match resolve(&rules, &code("04.02.03"), areas, kind) {
            Resolution::Resolved { lead, .. } => lead,
            other => panic!("{other:?}"),
        };
        assert_eq!(lead(&street(), RequestKind::Citizen), "district-bureau");
        assert_eq!(lead(&Vec::new(), RequestKind::Citizen), "bureau");
        assert_eq!(lead(&Vec::new(), RequestKind::Enterprise), "enterprise");
        assert_eq!(lead(&street(), RequestKind::Enterprise), "district-bureau", "area before kind");
    }

    #[test]
    fn equal_rules_with_different_leads_are_ambiguous_and_gaps_are_reported() {
        let rules = vec![rule(Some("04.02"), None, None, "a", &[]), rule(Some("04.02"), None, None, "b", &[])];
        assert!(matches!(
            resolve(&rules, &code("04.02.03"), &Vec::new(), RequestKind::Citizen),
            Resolution::Ambiguous { .. }
        ));
        assert_eq!(resolve(&rules, &code("01.01.01"), &Vec::new(), RequestKind::Citizen), Resolution::NoRule);
        let gaps = coverage(&rules, Catalogue::builtin(), &[street()]);
        let leaves = 517;
        assert_eq!(gaps.len(), leaves * 2 * 2, "every leaf is a gap: no rule or two leads");
        let gaps = coverage(&list(), Catalogue::builtin(), &[street()]);
        assert!(gaps.is_empty(), "the catch-all covers everything: {:?}", gaps.first());
    }

    #[test]
    fn rules_are_checked_against_what_exists() {
        let input = RuleInput {
            category: Some("噪音污染".into()),
            lead: Some("nowhere".into()),
            co_handlers: Some(vec!["centre".into(), "x".into()]),
            area: Some("mars".into()),
            kind: Some("alien".into()),
        };
        let errors = Rule::parse(&input, Catalogue::builtin(), &|d| d == "centre", &|a| a == "a3").unwrap_err();
        for f in ["lead", "co_handlers[1]", "area", "kind"] {
            assert!(errors.get(f).is_some(), "{f}");
        }
        assert!(errors.get("category").is_none(), "a leaf name resolves");
    }
}
