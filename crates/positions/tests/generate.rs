//! What the generator makes of recruiters' briefs: the family and level it reads, the
//! competencies it picks, hints, and the text it writes.

use positions::{classify, generate, Brief, Category, Draft, Seniority};

fn titled(title: &str) -> Brief {
    Brief {
        title: title.into(),
        ..Brief::default()
    }
}

fn names(draft: &Draft) -> Vec<&str> {
    draft.competencies.iter().map(|c| c.name.as_str()).collect()
}

fn weight(draft: &Draft, name: &str) -> f64 {
    draft
        .competencies
        .iter()
        .find(|c| c.name == name)
        .map_or(0.0, |c| c.weight)
}

#[test]
fn senior_backend_engineer_the_acceptance_example() {
    let draft = generate(&titled("Senior Backend Engineer"));
    assert_eq!(
        (draft.role_family.as_str(), draft.seniority),
        ("backend", Seniority::Senior)
    );
    assert!(draft.competencies.len() >= 5, "{:?}", names(&draft));
    let total: f64 = draft.competencies.iter().map(|c| c.weight).sum();
    assert!((total - 1.0).abs() < 1e-9);
    for expected in [
        "Backend programming",
        "System design",
        "Distributed systems",
        "Mentoring",
        "Ownership",
    ] {
        assert!(
            names(&draft).contains(&expected),
            "{expected} in {:?}",
            names(&draft)
        );
    }
    assert_eq!(
        draft.competencies[0].name, "Backend programming",
        "the heaviest first"
    );
    assert_eq!(draft.department.as_deref(), Some("Engineering"));
    assert_eq!(
        draft.requirements[0],
        "5+ years of experience in backend software development"
    );
    assert!(
        draft
            .description
            .starts_with("We are hiring a Senior Backend Engineer to"),
        "{}",
        draft.description
    );
}

#[test]
fn titles_are_read_for_family_and_level() {
    let cases = [
        ("Senior Backend Engineer", "backend", Seniority::Senior),
        ("Frontend Developer", "frontend", Seniority::Mid),
        ("Software Engineer", "fullstack", Seniority::Mid),
        ("Junior iOS Developer", "mobile", Seniority::Junior),
        ("Staff Data Engineer", "data_engineering", Seniority::Staff),
        ("Machine Learning Engineer", "data_science", Seniority::Mid),
        (
            "Principal Data Scientist",
            "data_science",
            Seniority::Principal,
        ),
        ("Site Reliability Engineer", "devops", Seniority::Mid),
        ("Security Engineering Intern", "security", Seniority::Intern),
        ("QA Automation Engineer", "qa", Seniority::Mid),
        ("Product Manager", "product_management", Seniority::Mid),
        (
            "Senior Product Manager",
            "product_management",
            Seniority::Senior,
        ),
        ("Head of Product", "product_management", Seniority::Director),
        ("Lead Product Designer", "design", Seniority::Lead),
        (
            "Engineering Manager",
            "engineering_management",
            Seniority::Manager,
        ),
        (
            "Backend Engineering Manager",
            "engineering_management",
            Seniority::Manager,
        ),
        (
            "VP of Engineering",
            "engineering_management",
            Seniority::Director,
        ),
        ("Account Executive", "sales", Seniority::Mid),
        ("Sales Manager", "sales", Seniority::Manager),
        (
            "Customer Success Manager",
            "customer_success",
            Seniority::Mid,
        ),
        ("Marketing Manager", "marketing", Seniority::Manager),
        ("Financial Analyst", "finance", Seniority::Mid),
        ("Senior Recruiter", "hr", Seniority::Senior),
        ("Operations Manager", "operations", Seniority::Manager),
        ("Office Manager", "operations", Seniority::Mid),
        (
            "Technical Program Manager",
            "project_management",
            Seniority::Mid,
        ),
        ("Data Analyst", "analytics", Seniority::Mid),
        ("Senior Rust Engineer", "backend", Seniority::Senior),
        ("Embedded Firmware Engineer", "embedded", Seniority::Mid),
        ("Legal Counsel", "legal", Seniority::Mid),
        ("Chief Happiness Officer", "general", Seniority::Director),
        ("Barista", "general", Seniority::Mid),
    ];
    for (title, family, level) in cases {
        let read = classify(&titled(title));
        assert_eq!((read.family.id, read.seniority), (family, level), "{title}");
    }
}

#[test]
fn the_stated_seniority_wins_over_the_title() {
    let read = classify(&Brief {
        title: "Senior Backend Engineer".into(),
        seniority: Some("Jr.".into()),
        ..Brief::default()
    });
    assert_eq!(read.seniority, Seniority::Junior);
    let read = classify(&Brief {
        title: "Backend Engineer".into(),
        seniority: Some("not a level".into()),
        ..Brief::default()
    });
    assert_eq!(read.seniority, Seniority::Mid, "an unknown word is ignored");
}

#[test]
fn department_and_notes_recognise_a_vague_title() {
    let by_department = classify(&Brief {
        title: "Specialist".into(),
        department: Some("Finance".into()),
        ..Brief::default()
    });
    assert_eq!(by_department.family.id, "finance");
    let by_notes = classify(&Brief {
        title: "Team member".into(),
        notes: Some(
            "Mostly Kubernetes and Terraform, plus on-call for the platform (devops).".into(),
        ),
        ..Brief::default()
    });
    assert_eq!(by_notes.family.id, "devops");
    let title_first = classify(&Brief {
        title: "Data Scientist".into(),
        department: Some("Marketing".into()),
        ..Brief::default()
    });
    assert_eq!(
        title_first.family.id, "data_science",
        "the title beats the department"
    );
}

#[test]
fn hints_add_known_and_new_competencies_without_duplicates() {
    let plain = generate(&titled("Backend Engineer"));
    let hinted = generate(&Brief {
        title: "Backend Engineer".into(),
        competency_hints: vec![
            "kubernetes".into(),
            "COMMUNICATION".into(),
            "System design".into(),
            "  ".into(),
        ],
        ..Brief::default()
    });
    let kube = hinted
        .competencies
        .iter()
        .find(|c| c.name == "Kubernetes")
        .unwrap_or_else(|| panic!("{:?}", names(&hinted)));
    assert_eq!(kube.category, Category::Technical);
    assert_eq!(kube.required_level, 3);
    assert!(kube.description.contains("kubernetes"));
    assert_eq!(
        hinted
            .competencies
            .iter()
            .filter(|c| c.name.eq_ignore_ascii_case("communication"))
            .count(),
        1,
        "a hint naming a library competency reuses it"
    );
    let share = |d: &Draft| weight(d, "System design") / weight(d, "Backend programming");
    assert!(
        share(&hinted) > share(&plain),
        "a hinted competency weighs more relative to its peers"
    );
    assert!(
        hinted.requirements.iter().any(|r| r.contains("kubernetes")),
        "{:?}",
        hinted.requirements
    );
    let total: f64 = hinted.competencies.iter().map(|c| c.weight).sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn many_hints_stay_within_twelve() {
    let draft = generate(&Brief {
        title: "Senior Backend Engineer".into(),
        competency_hints: (0..20).map(|i| format!("Tool {i}")).collect(),
        ..Brief::default()
    });
    assert!(draft.competencies.len() <= 12);
    let total: f64 = draft.competencies.iter().map(|c| c.weight).sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn business_hints_are_domain_competencies() {
    let draft = generate(&Brief {
        title: "Account Executive".into(),
        competency_hints: vec!["Enterprise healthcare".into()],
        ..Brief::default()
    });
    let hint = draft
        .competencies
        .iter()
        .find(|c| c.name == "Enterprise healthcare")
        .unwrap_or_else(|| panic!("{:?}", names(&draft)));
    assert_eq!(hint.category, Category::Domain);
    assert!(
        names(&draft).contains(&"Customer focus"),
        "customer-facing roles: {:?}",
        names(&draft)
    );
}

#[test]
fn the_description_says_who_where_and_how() {
    let draft = generate(&Brief {
        title: "Engineering Manager".into(),
        company: Some("Acme Robotics".into()),
        location: Some("Berlin".into()),
        employment_type: Some("full_time".into()),
        department: Some("Platform".into()),
        ..Brief::default()
    });
    assert!(
        draft
            .description
            .starts_with("Acme Robotics is hiring an Engineering Manager to lead engineers"),
        "{}",
        draft.description
    );
    assert!(
        draft
            .description
            .contains("You will join the Platform team."),
        "{}",
        draft.description
    );
    assert!(
        draft
            .description
            .ends_with("This is a full-time role based in Berlin."),
        "{}",
        draft.description
    );
    assert_eq!(draft.department.as_deref(), Some("Platform"));
    assert!(names(&draft).contains(&"People management"));
}

#[test]
fn the_same_brief_gives_the_same_draft() {
    let brief = Brief {
        title: "Senior Product Manager".into(),
        competency_hints: vec!["Pricing".into()],
        notes: Some("B2B marketplace".into()),
        ..Brief::default()
    };
    assert_eq!(generate(&brief), generate(&brief));
}

#[test]
fn an_unknown_title_still_gets_a_full_position() {
    let draft = generate(&titled("Chief Vibes Officer"));
    assert_eq!(draft.role_family, "general");
    assert!(draft.competencies.len() >= 5);
    assert_eq!(draft.department, None);
    assert!(draft.responsibilities.len() >= 3);
}

#[test]
fn a_draft_serialises_with_lowercase_enums() {
    let draft = generate(&titled("Intern Accountant"));
    let json = serde_json::to_value(&draft).unwrap_or_default();
    assert_eq!(json["seniority"], "intern");
    assert!(json["competencies"][0]["category"].is_string());
    assert_eq!(json["role_family"], "finance");
}
