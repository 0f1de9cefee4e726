//! The competency library shipped with the project: role families, each with the
//! competencies of its craft, the responsibilities, requirements and nice-to-haves of the
//! role, and the keywords that recognise it in a title; plus the behavioural and
//! leadership competencies every family shares, picked by seniority.
//!
//! Weights here are relative (1-9) within a group; the generator turns them into shares
//! of the position's total by the seniority's split (`Seniority::shares`). A craft
//! competency may start at a level (`from`) — nobody asks an intern for distributed
//! systems design — and may be required a level below the role's craft level
//! (`offset`), for supporting skills.

use serde::{Deserialize, Serialize};

use crate::seniority::Seniority;

/// What kind of competency: the craft's tools and techniques, knowledge of a business
/// domain, how someone works with others, or how they lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Technical,
    Domain,
    Behavioral,
    Leadership,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Technical,
        Category::Domain,
        Category::Behavioral,
        Category::Leadership,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Technical => "technical",
            Category::Domain => "domain",
            Category::Behavioral => "behavioral",
            Category::Leadership => "leadership",
        }
    }

    /// `"Technical"`, `"behaviour"`, `"soft skill"`... or `None`.
    pub fn parse(text: &str) -> Option<Category> {
        match text.trim().to_lowercase().as_str() {
            "technical" | "tech" | "hard skill" | "tool" | "tools" => Some(Category::Technical),
            "domain" | "business" | "functional" | "knowledge" => Some(Category::Domain),
            "behavioral" | "behavioural" | "behavior" | "behaviour" | "soft skill" | "soft" => {
                Some(Category::Behavioral)
            }
            "leadership" | "management" => Some(Category::Leadership),
            _ => None,
        }
    }
}

/// Which leadership vocabulary a family uses: engineers lead technically, other
/// functions lead their practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    Technical,
    Business,
    /// The role is leading (engineering management): its craft is leadership.
    Management,
}

/// One competency of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Def {
    pub name: &'static str,
    pub description: &'static str,
    pub category: Category,
    /// Relative weight within its group, 1-9.
    pub weight: u8,
    /// Listed from this level up (`Intern` = always).
    pub from: Seniority,
    /// Required this many levels below the role's level for its group (0 or 1).
    pub offset: u8,
}

const fn def(name: &'static str, description: &'static str, category: Category, weight: u8) -> Def {
    Def {
        name,
        description,
        category,
        weight,
        from: Seniority::Intern,
        offset: 0,
    }
}

impl Def {
    /// Listed from `level` up.
    const fn starting_at(mut self, level: Seniority) -> Def {
        self.from = level;
        self
    }
    /// A supporting skill: one level below the role's craft level.
    const fn supporting(mut self) -> Def {
        self.offset = 1;
        self
    }
}

const T: Category = Category::Technical;
const D: Category = Category::Domain;
const B: Category = Category::Behavioral;
const L: Category = Category::Leadership;

/// A keyword of a family, matched as whole words in a title (or department, notes).
/// `implies` is the level the phrase itself says ("engineering manager" is a manager,
/// "product manager" is not).
/// A `generic` phrase ("developer", "analyst") only decides when nothing more specific
/// matches: "Frontend Developer" is frontend, "Developer" full-stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    pub phrase: &'static str,
    pub implies: Option<Seniority>,
    pub generic: bool,
}

const fn kw(phrase: &'static str) -> Keyword {
    Keyword {
        phrase,
        implies: None,
        generic: false,
    }
}

const fn kw_at(phrase: &'static str, level: Seniority) -> Keyword {
    Keyword {
        phrase,
        implies: Some(level),
        generic: false,
    }
}

const fn generic(phrase: &'static str) -> Keyword {
    Keyword {
        phrase,
        implies: None,
        generic: true,
    }
}

/// A role family of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    pub id: &'static str,
    pub name: &'static str,
    pub department: &'static str,
    pub track: Track,
    /// Phrases that recognise the family; longer, more specific phrases win.
    pub keywords: &'static [Keyword],
    /// The level when the title names none.
    pub default_level: Seniority,
    /// "to <mission>" in the description.
    pub mission: &'static str,
    /// What the role's craft is called in requirements ("backend development").
    pub field: &'static str,
    pub craft: &'static [Def],
    pub responsibilities: &'static [&'static str],
    pub requirements: &'static [&'static str],
    pub nice_to_have: &'static [&'static str],
    /// Customer-facing roles are judged on customer focus too.
    pub customer_facing: bool,
}

// ---------------------------------------------------------------------------------------
// Shared competencies
// ---------------------------------------------------------------------------------------

pub const COMMUNICATION: Def = def(
    "Communication",
    "Explains ideas clearly in writing and in conversation, adapting to the audience, and listens well.",
    B,
    3,
);
pub const COLLABORATION: Def = def(
    "Collaboration",
    "Works well with others across functions: shares context, gives and takes feedback, and helps the team succeed.",
    B,
    2,
);
pub const PROBLEM_SOLVING: Def = def(
    "Problem solving",
    "Breaks ambiguous problems down, weighs options and trade-offs, and reaches sound, practical solutions.",
    B,
    3,
);
pub const OWNERSHIP: Def = def(
    "Ownership",
    "Takes responsibility for outcomes, follows through without reminders, and raises risks early.",
    B,
    3,
);
pub const LEARNING_AGILITY: Def = def(
    "Learning agility",
    "Picks up new tools, domains and feedback quickly and applies them in the next piece of work.",
    B,
    3,
);
pub const CUSTOMER_FOCUS: Def = def(
    "Customer focus",
    "Understands what customers need and why, and keeps their outcomes at the centre of decisions.",
    B,
    3,
);

pub const MENTORING: Def = def(
    "Mentoring",
    "Grows others through coaching, pairing, thoughtful reviews and honest feedback.",
    L,
    3,
);
pub const TECHNICAL_LEADERSHIP: Def = def(
    "Technical leadership",
    "Sets technical direction, drives decisions to agreement and raises the quality bar across teams.",
    L,
    3,
);
pub const FUNCTIONAL_LEADERSHIP: Def = def(
    "Functional leadership",
    "Sets direction for the function's practices, drives decisions to agreement and raises the quality of the team's work.",
    L,
    3,
);
pub const STRATEGIC_THINKING: Def = def(
    "Strategic thinking",
    "Connects today's work to long-term goals, anticipates change and prioritises for the greatest impact.",
    L,
    3,
);
pub const STAKEHOLDER_MANAGEMENT: Def = def(
    "Stakeholder management",
    "Aligns partners and leadership on goals, trade-offs and progress, and manages expectations openly.",
    L,
    2,
);
pub const PEOPLE_MANAGEMENT: Def = def(
    "People management",
    "Builds a healthy, high-performing team: sets expectations, coaches, runs growth and performance conversations.",
    L,
    4,
);
pub const HIRING: Def = def(
    "Hiring and team building",
    "Designs and runs fair hiring, builds diverse teams and a culture people want to stay in.",
    L,
    2,
);

/// The behavioural competencies a level is assessed on, most important first.
pub fn behaviors(level: Seniority, customer_facing: bool) -> Vec<Def> {
    let mut picked = match level {
        Seniority::Intern | Seniority::Junior => {
            vec![LEARNING_AGILITY, COLLABORATION, COMMUNICATION]
        }
        Seniority::Mid => vec![PROBLEM_SOLVING, COLLABORATION, COMMUNICATION],
        Seniority::Senior | Seniority::Lead => vec![OWNERSHIP, COMMUNICATION],
        Seniority::Staff | Seniority::Principal => vec![COMMUNICATION, OWNERSHIP],
        Seniority::Manager | Seniority::Director => vec![COMMUNICATION, COLLABORATION],
    };
    if customer_facing {
        // Replaces the last one: customer focus matters more for these roles.
        picked.pop();
        picked.insert(0, CUSTOMER_FOCUS);
    }
    picked
}

/// The leadership competencies a level is assessed on, most important first.
pub fn leadership(level: Seniority, track: Track) -> Vec<Def> {
    let lead = match track {
        Track::Technical => TECHNICAL_LEADERSHIP,
        Track::Business | Track::Management => FUNCTIONAL_LEADERSHIP,
    };
    match level {
        Seniority::Intern | Seniority::Junior | Seniority::Mid => vec![],
        Seniority::Senior => vec![MENTORING, lead],
        Seniority::Lead => vec![lead, MENTORING, STAKEHOLDER_MANAGEMENT],
        Seniority::Staff => vec![lead, MENTORING, STRATEGIC_THINKING],
        Seniority::Principal => vec![lead, STRATEGIC_THINKING, STAKEHOLDER_MANAGEMENT],
        Seniority::Manager => vec![PEOPLE_MANAGEMENT, HIRING, STAKEHOLDER_MANAGEMENT],
        Seniority::Director => vec![
            STRATEGIC_THINKING,
            PEOPLE_MANAGEMENT,
            STAKEHOLDER_MANAGEMENT,
            HIRING,
        ],
    }
}

/// What a level adds to the family's responsibilities.
pub fn level_responsibilities(level: Seniority, track: Track) -> &'static [&'static str] {
    let technical = !matches!(track, Track::Business);
    match (level, technical) {
        (Seniority::Intern, _) => &["Work on a scoped project with a mentor and present what you learned"],
        (Seniority::Junior, _) => &["Deliver well-defined tasks with guidance, asking for help early and learning from reviews"],
        (Seniority::Mid, _) => &["Own features or workstreams end to end with little supervision"],
        (Seniority::Senior, true) => &[
            "Own complex projects from design to delivery and make sound technical decisions",
            "Mentor teammates and review their work",
        ],
        (Seniority::Senior, false) => &[
            "Own complex initiatives from planning to results",
            "Coach teammates and review their work",
        ],
        (Seniority::Lead, _) => &[
            "Lead a team's day-to-day delivery: planning, priorities and quality",
            "Coach the team and be its voice with partners",
        ],
        (Seniority::Staff, true) => &[
            "Set technical direction for a group of teams and drive it through",
            "Solve the problems that cross team boundaries and multiply others' impact",
        ],
        (Seniority::Staff, false) => &[
            "Set direction for the practice across teams and drive it through",
            "Take on the cross-team problems and multiply others' impact",
        ],
        (Seniority::Principal, true) => &[
            "Shape the organisation's long-term technical strategy",
            "Lead the highest-stakes decisions and represent the company externally",
        ],
        (Seniority::Principal, false) => &[
            "Shape the organisation's long-term strategy for the function",
            "Lead the highest-stakes initiatives and represent the company externally",
        ],
        (Seniority::Manager, _) => &[
            "Hire, grow and retain a team, with regular one-to-ones and clear expectations",
            "Plan the team's work with partners and own its delivery and health",
        ],
        (Seniority::Director, _) => &[
            "Set the strategy, goals and budget of the function and report on them to leadership",
            "Build and lead managers and teams, and the organisation they work in",
        ],
    }
}

// ---------------------------------------------------------------------------------------
// Families
// ---------------------------------------------------------------------------------------

use Seniority::{Lead as LEAD, Manager as MANAGER, Mid as MID, Senior as SENIOR, Staff as STAFF};

pub static FAMILIES: &[Family] = &[
    Family {
        id: "backend",
        name: "Backend engineering",
        department: "Engineering",
        track: Track::Technical,
        keywords: &[
            kw("backend"), kw("back end"), kw("server side"), kw("api engineer"), kw("api developer"),
            kw("distributed systems"), kw("golang"), kw("go engineer"), kw("go developer"), kw("java engineer"),
            kw("java developer"), kw("rust engineer"), kw("rust developer"), kw("c# developer"), kw("net developer"),
            kw("dotnet"), kw("php developer"), kw("ruby developer"), kw("rails"), kw("node js"), kw("nodejs"),
            kw("scala engineer"), kw("elixir"), kw("kotlin backend"), kw("microservices"),
        ],
        default_level: MID,
        mission: "design, build and operate the services, APIs and data stores behind our product",
        field: "backend software development",
        craft: &[
            def("Backend programming", "Writes correct, readable and well-tested server-side code in the team's languages.", T, 9),
            def("System design", "Designs services and their boundaries, weighing consistency, latency, cost and simplicity.", T, 7),
            def("API design", "Designs clear, versioned, secure APIs (REST, RPC or events) that other teams enjoy using.", T, 6),
            def("Databases and data modelling", "Models data, writes efficient queries, and understands indexes, transactions and migrations.", T, 6),
            def("Distributed systems", "Builds for failure: retries, idempotency, queues, caching, and consistency across services.", T, 6).starting_at(SENIOR),
            def("Testing and code quality", "Writes unit and integration tests, reviews code carefully and keeps the codebase healthy.", T, 5),
            def("Operational excellence", "Monitors, debugs and tunes production services; takes part in on-call and blameless incident reviews.", T, 4).supporting(),
            def("Application security", "Applies secure coding practice: authentication, authorisation, input validation and secrets handling.", T, 3).supporting(),
        ],
        responsibilities: &[
            "Design, build and maintain backend services and APIs",
            "Model data and keep storage fast, consistent and safe",
            "Write automated tests and review code to keep quality high",
            "Monitor production systems, respond to incidents and fix root causes",
            "Work with product, frontend and data colleagues to ship features customers value",
        ],
        requirements: &[
            "Strong programming skills in at least one backend language (e.g. Go, Java, Kotlin, Python, Rust or TypeScript)",
            "Experience with relational databases and SQL",
            "Experience building and consuming HTTP APIs",
            "Familiarity with version control, code review and CI/CD",
        ],
        nice_to_have: &[
            "Experience with cloud platforms (AWS, GCP or Azure) and containers",
            "Experience with message queues or event streaming (e.g. Kafka)",
            "Contributions to open source",
        ],
        customer_facing: false,
    },
    Family {
        id: "frontend",
        name: "Frontend engineering",
        department: "Engineering",
        track: Track::Technical,
        keywords: &[
            kw("frontend"), kw("front end"), kw("ui engineer"), kw("ui developer"), kw("web developer"),
            kw("web engineer"), kw("react"), kw("react developer"), kw("angular"), kw("vue"), kw("javascript developer"),
            kw("typescript developer"), kw("javascript engineer"),
        ],
        default_level: MID,
        mission: "build fast, accessible and delightful interfaces for our customers",
        field: "frontend web development",
        craft: &[
            def("Frontend development", "Builds interfaces with semantic HTML, modern CSS and TypeScript/JavaScript.", T, 9),
            def("UI frameworks", "Uses a component framework (React, Vue or Angular) idiomatically, including state and data fetching.", T, 7),
            def("Accessibility", "Builds interfaces everyone can use, following WCAG, with keyboard and screen-reader support.", T, 5),
            def("Web performance", "Measures and improves load time, rendering and bundle size (Core Web Vitals).", T, 5),
            def("Testing and code quality", "Writes component and end-to-end tests, reviews code carefully and keeps the codebase healthy.", T, 5),
            def("Frontend architecture", "Structures large frontends: design systems, module boundaries, state management and build tooling.", T, 6).starting_at(SENIOR),
            def("API integration", "Integrates with backend APIs robustly: loading and error states, caching and retries.", T, 4).supporting(),
        ],
        responsibilities: &[
            "Build and maintain user interfaces from design to production",
            "Turn designs into accessible, responsive and fast experiences",
            "Write tests and review code to keep the frontend reliable",
            "Work closely with designers and backend engineers on features and APIs",
            "Improve performance, accessibility and the developer experience of the frontend",
        ],
        requirements: &[
            "Strong TypeScript or JavaScript, HTML and CSS",
            "Experience with a modern framework such as React, Vue or Angular",
            "Understanding of browser fundamentals, accessibility and responsive design",
        ],
        nice_to_have: &[
            "Experience with design systems or component libraries",
            "Experience with server-side rendering or edge rendering",
            "An eye for visual and interaction detail",
        ],
        customer_facing: false,
    },
    Family {
        id: "fullstack",
        name: "Full-stack engineering",
        department: "Engineering",
        track: Track::Technical,
        keywords: &[
            kw("full stack"), kw("fullstack"), generic("software engineer"), generic("software developer"), generic("developer"),
            generic("programmer"), generic("software development engineer"), generic("sde"), kw("web application developer"),
            kw("product engineer"),
        ],
        default_level: MID,
        mission: "build product features end to end, from the database to the user interface",
        field: "software development",
        craft: &[
            def("Software development", "Writes correct, readable and well-tested code across the stack.", T, 9),
            def("Frontend development", "Builds usable, accessible interfaces with a modern web framework.", T, 6),
            def("Backend development", "Builds services and APIs and models their data.", T, 6),
            def("System design", "Designs features and services end to end, weighing simplicity, performance and cost.", T, 6).starting_at(MID),
            def("Databases and data modelling", "Models data, writes efficient queries and manages migrations safely.", T, 5),
            def("Testing and code quality", "Writes automated tests at the right levels and reviews code carefully.", T, 5),
            def("Product sense", "Understands the user problem behind a feature and shapes the solution with product and design.", D, 4).supporting(),
        ],
        responsibilities: &[
            "Build features end to end across frontend, backend and data",
            "Shape solutions with product managers and designers",
            "Write automated tests and review code to keep quality high",
            "Operate what you build: monitoring, debugging and fixing production issues",
            "Improve the codebase, tooling and development practices of the team",
        ],
        requirements: &[
            "Strong programming skills in TypeScript/JavaScript and at least one backend language",
            "Experience with a modern frontend framework and with relational databases",
            "Experience shipping and operating web applications in production",
        ],
        nice_to_have: &[
            "Experience with cloud platforms and infrastructure as code",
            "Experience in a product-led startup environment",
            "Interest in user research and analytics",
        ],
        customer_facing: false,
    },
    Family {
        id: "mobile",
        name: "Mobile engineering",
        department: "Engineering",
        track: Track::Technical,
        keywords: &[
            kw("mobile"), kw("ios"), kw("android"), kw("swift"), kw("kotlin"), kw("react native"), kw("flutter"),
            kw("mobile app"),
        ],
        default_level: MID,
        mission: "build fast, reliable and polished mobile apps our customers use every day",
        field: "mobile app development",
        craft: &[
            def("Mobile development", "Builds native or cross-platform apps (Swift, Kotlin, React Native or Flutter) idiomatically.", T, 9),
            def("Mobile UI and UX", "Implements platform-conventional, accessible interfaces with smooth animation and layout.", T, 6),
            def("App architecture", "Structures apps for testability and change: state, navigation, modularisation.", T, 6).starting_at(MID),
            def("Performance and reliability", "Keeps apps fast, battery-friendly and crash-free, and diagnoses issues from telemetry.", T, 5),
            def("Testing and code quality", "Writes unit and UI tests and reviews code carefully.", T, 5),
            def("Offline and sync", "Handles flaky networks, local storage, background work and data synchronisation.", T, 4).starting_at(SENIOR),
            def("Release management", "Ships through the App Store and Google Play: signing, staged rollouts, feature flags.", T, 3).supporting(),
        ],
        responsibilities: &[
            "Build and maintain our mobile apps from design to store release",
            "Implement polished, accessible, platform-conventional interfaces",
            "Keep the apps fast, stable and well tested",
            "Work with backend engineers on the APIs the apps rely on",
            "Monitor crash and performance data and fix what matters most",
        ],
        requirements: &[
            "Experience building mobile apps with Swift, Kotlin, React Native or Flutter",
            "Understanding of mobile platform guidelines and app lifecycle",
            "Experience publishing apps to the App Store or Google Play",
        ],
        nice_to_have: &[
            "Experience with both iOS and Android",
            "Experience with mobile CI/CD and automated UI testing",
            "Published apps you can show",
        ],
        customer_facing: false,
    },
    Family {
        id: "embedded",
        name: "Embedded and hardware engineering",
        department: "Engineering",
        track: Track::Technical,
        keywords: &[
            kw("embedded"), kw("firmware"), kw("hardware engineer"), kw("electrical engineer"), kw("electronics"),
            kw("robotics"), kw("fpga"), kw("iot"), kw("systems programmer"), kw("kernel"),
        ],
        default_level: MID,
        mission: "build the firmware and low-level software that makes our devices work reliably",
        field: "embedded or systems software development",
        craft: &[
            def("Embedded programming", "Writes efficient, safe low-level code in C, C++ or Rust for constrained devices.", T, 9),
            def("Hardware interfaces", "Works with microcontrollers, peripherals and protocols (SPI, I2C, UART, CAN) and reads schematics.", T, 6),
            def("Real-time systems", "Designs for timing constraints with RTOSes, interrupts and concurrency.", T, 6),
            def("Debugging and diagnostics", "Debugs on target with debuggers, logic analysers and oscilloscopes.", T, 5),
            def("Systems design", "Designs device software architecture: boot, updates, power and fault handling.", T, 5).starting_at(SENIOR),
            def("Testing and quality", "Tests firmware with unit tests, hardware-in-the-loop rigs and continuous integration.", T, 4).supporting(),
        ],
        responsibilities: &[
            "Design, implement and maintain firmware and device software",
            "Bring up new hardware together with electrical engineers",
            "Debug complex issues across hardware and software",
            "Build test rigs and automation for device software",
            "Keep devices secure and updatable in the field",
        ],
        requirements: &[
            "Strong C, C++ or Rust for embedded targets",
            "Experience with microcontrollers and common hardware interfaces",
            "Comfort with lab equipment and on-target debugging",
        ],
        nice_to_have: &[
            "Experience with an RTOS or embedded Linux",
            "Experience with safety or security standards for devices",
            "Experience in robotics or IoT products",
        ],
        customer_facing: false,
    },
    Family {
        id: "data_engineering",
        name: "Data engineering",
        department: "Data",
        track: Track::Technical,
        keywords: &[
            kw("data engineer"), kw("data engineering"), kw("etl"), kw("analytics engineer"), kw("data platform"),
            kw("big data"), kw("data pipeline"), kw("data infrastructure"), kw("dataops"),
        ],
        default_level: MID,
        mission: "build reliable data pipelines and platforms that the whole company can trust",
        field: "data engineering",
        craft: &[
            def("Data pipelines", "Builds reliable batch and streaming pipelines with orchestration, backfills and monitoring.", T, 9),
            def("SQL and data modelling", "Writes efficient SQL and designs warehouse models (dimensional, data vault or wide tables).", T, 8),
            def("Programming for data", "Writes production-quality Python, Scala or Java for data processing.", T, 6),
            def("Data quality", "Tests, validates and observes data; owns contracts, lineage and freshness.", T, 5),
            def("Distributed data processing", "Uses Spark, Flink, dbt or cloud warehouses efficiently at scale.", T, 6).starting_at(MID),
            def("Data platform architecture", "Designs the data platform: storage, compute, governance and cost.", T, 5).starting_at(SENIOR),
            def("Data governance and privacy", "Handles personal data lawfully: access control, retention and anonymisation.", D, 3).supporting(),
        ],
        responsibilities: &[
            "Design, build and operate data pipelines and warehouse models",
            "Make data reliable with tests, monitoring and clear ownership",
            "Partner with analysts, data scientists and engineers on their data needs",
            "Improve the performance and cost of the data platform",
            "Keep data secure and compliant with privacy rules",
        ],
        requirements: &[
            "Strong SQL and experience with a programming language such as Python or Scala",
            "Experience with a data warehouse (e.g. BigQuery, Snowflake, Redshift) and an orchestrator (e.g. Airflow, Dagster)",
            "Understanding of data modelling",
        ],
        nice_to_have: &[
            "Experience with streaming (Kafka, Flink or Spark Streaming)",
            "Experience with dbt",
            "Experience with infrastructure as code",
        ],
        customer_facing: false,
    },
    Family {
        id: "data_science",
        name: "Data science and machine learning",
        department: "Data",
        track: Track::Technical,
        keywords: &[
            kw("data scientist"), kw("data science"), kw("machine learning"), kw("ml engineer"), generic("ml"),
            kw("ai engineer"), generic("ai"), kw("deep learning"), kw("nlp"), kw("computer vision"), kw("research scientist"),
            kw("applied scientist"), kw("mlops"), kw("llm"),
        ],
        default_level: MID,
        mission: "turn data into models and insights that improve our product and decisions",
        field: "data science or machine learning",
        craft: &[
            def("Statistics and experimentation", "Applies statistics soundly: inference, A/B tests, causal reasoning and uncertainty.", T, 8),
            def("Machine learning", "Chooses, trains, evaluates and improves models appropriate to the problem.", T, 9),
            def("Programming for data", "Writes clean, tested Python (pandas, NumPy, scikit-learn, PyTorch) and SQL.", T, 7),
            def("Data analysis", "Explores data, finds signal and communicates findings with clear visualisations.", T, 5),
            def("ML engineering and deployment", "Puts models into production: pipelines, serving, monitoring and drift.", T, 5).starting_at(MID),
            def("Problem framing", "Turns a business question into a measurable modelling problem and knows when not to model.", D, 5).starting_at(SENIOR),
            def("Responsible AI", "Evaluates fairness, privacy and safety risks of models and mitigates them.", D, 3).supporting(),
        ],
        responsibilities: &[
            "Frame business problems as analyses or models and deliver them",
            "Build, evaluate and ship machine learning models",
            "Design and analyse experiments",
            "Communicate results and recommendations to product and leadership",
            "Monitor models in production and improve them over time",
        ],
        requirements: &[
            "Strong foundation in statistics and machine learning",
            "Proficiency in Python and SQL",
            "Experience taking an analysis or model from question to impact",
        ],
        nice_to_have: &[
            "Experience with deep learning or large language models",
            "A degree in a quantitative field (e.g. statistics, computer science, physics)",
            "Publications or open-source work in the field",
        ],
        customer_facing: false,
    },
    Family {
        id: "analytics",
        name: "Data analytics and business intelligence",
        department: "Data",
        track: Track::Business,
        keywords: &[
            kw("data analyst"), kw("business analyst"), kw("bi analyst"), kw("business intelligence"), generic("analytics"),
            kw("insights analyst"), kw("reporting analyst"), kw("product analyst"), generic("analyst"),
        ],
        default_level: MID,
        mission: "help teams make better decisions with trustworthy data, metrics and insights",
        field: "data analysis",
        craft: &[
            def("SQL", "Writes correct, efficient SQL to answer questions from raw and modelled data.", T, 9),
            def("Data analysis", "Explores data, tests hypotheses and separates signal from noise.", T, 8),
            def("Data visualisation and reporting", "Builds clear dashboards and reports (e.g. Looker, Tableau, Power BI) people actually use.", T, 6),
            def("Business acumen", "Understands how the business makes money and which metrics matter.", D, 6),
            def("Statistics", "Applies descriptive and inferential statistics correctly, including experiment analysis.", T, 5),
            def("Metric design", "Defines metrics and KPIs that are meaningful, consistent and hard to game.", D, 4).starting_at(SENIOR),
        ],
        responsibilities: &[
            "Answer business questions with data and clear recommendations",
            "Build and maintain dashboards and recurring reports",
            "Define and document key metrics with stakeholders",
            "Analyse experiments and product changes",
            "Improve data quality together with data engineers",
        ],
        requirements: &[
            "Strong SQL",
            "Experience with a BI tool such as Looker, Tableau or Power BI",
            "Ability to explain findings to non-technical audiences",
        ],
        nice_to_have: &[
            "Python or R for analysis",
            "Experience with dbt or data modelling",
            "Experience analysing A/B tests",
        ],
        customer_facing: false,
    },
    Family {
        id: "devops",
        name: "DevOps and site reliability engineering",
        department: "Engineering",
        track: Track::Technical,
        keywords: &[
            kw("devops"), kw("sre"), kw("site reliability"), kw("reliability engineer"), generic("infrastructure"),
            kw("platform engineer"), kw("cloud engineer"), kw("kubernetes"), kw("systems administrator"),
            kw("sysadmin"), kw("system administrator"), kw("devsecops"), kw("cloud architect"),
        ],
        default_level: MID,
        mission: "keep our platform reliable, secure and fast to ship on",
        field: "infrastructure, DevOps or site reliability engineering",
        craft: &[
            def("Cloud infrastructure", "Builds and runs infrastructure on AWS, GCP or Azure: networking, compute, storage and IAM.", T, 8),
            def("Infrastructure as code", "Manages infrastructure declaratively (Terraform, Pulumi, CloudFormation) with review and testing.", T, 7),
            def("Containers and orchestration", "Runs containerised workloads with Docker and Kubernetes in production.", T, 6),
            def("CI/CD", "Builds fast, safe delivery pipelines with automated testing and progressive rollouts.", T, 6),
            def("Observability and incident response", "Designs monitoring, alerting and SLOs; leads incidents and blameless reviews.", T, 7),
            def("Scripting and automation", "Automates operational work with Bash, Python or Go.", T, 4).supporting(),
            def("Reliability engineering", "Designs for failure: capacity planning, redundancy, disaster recovery and chaos testing.", T, 5).starting_at(SENIOR),
            def("Infrastructure security", "Hardens systems, manages secrets and access, and patches vulnerabilities.", T, 3).supporting(),
        ],
        responsibilities: &[
            "Build and operate cloud infrastructure as code",
            "Maintain CI/CD pipelines that let engineers ship safely and often",
            "Define SLOs, monitoring and alerting, and lead incident response",
            "Automate away repetitive operational work",
            "Improve the reliability, security and cost of the platform",
        ],
        requirements: &[
            "Experience running production systems on a major cloud provider",
            "Experience with infrastructure as code and containers",
            "Solid Linux and networking fundamentals",
        ],
        nice_to_have: &[
            "Kubernetes operations experience",
            "Cloud certifications",
            "Experience with service meshes or eBPF-based tooling",
        ],
        customer_facing: false,
    },
    Family {
        id: "security",
        name: "Security engineering",
        department: "Security",
        track: Track::Technical,
        keywords: &[
            kw("security"), kw("appsec"), kw("application security"), kw("infosec"), kw("cybersecurity"),
            kw("cyber security"), kw("penetration tester"), kw("pentester"), kw("security analyst"), kw("soc analyst"),
            kw("ciso"),
        ],
        default_level: MID,
        mission: "protect our customers, data and systems against real-world threats",
        field: "information security",
        craft: &[
            def("Threat modelling", "Identifies how systems can be attacked and prioritises mitigations by risk.", T, 7),
            def("Application security", "Finds and fixes vulnerabilities in code and design (OWASP Top 10, secure SDLC).", T, 8),
            def("Cloud and infrastructure security", "Secures cloud accounts, networks, identity and secrets.", T, 7),
            def("Security monitoring and incident response", "Detects, investigates and responds to security incidents.", T, 6),
            def("Vulnerability management", "Runs scanning, triage and patching so that known risks get fixed on time.", T, 5),
            def("Security architecture", "Designs security controls into platforms and products from the start.", T, 5).starting_at(SENIOR),
            def("Compliance and risk", "Maps controls to frameworks (SOC 2, ISO 27001, GDPR) and manages risk.", D, 3).supporting(),
        ],
        responsibilities: &[
            "Assess and reduce security risk in our products and infrastructure",
            "Review designs and code for security issues and help teams fix them",
            "Build detection and lead the response to security incidents",
            "Run vulnerability management and security tooling",
            "Support compliance work and security awareness",
        ],
        requirements: &[
            "Experience in application, cloud or infrastructure security",
            "Understanding of common attack techniques and their mitigations",
            "Ability to read code and explain risk to engineers",
        ],
        nice_to_have: &[
            "Security certifications (e.g. OSCP, CISSP)",
            "Experience with SOC 2 or ISO 27001 audits",
            "Bug bounty or CTF experience",
        ],
        customer_facing: false,
    },
    Family {
        id: "qa",
        name: "Quality assurance and test engineering",
        department: "Engineering",
        track: Track::Technical,
        keywords: &[
            kw("qa"), kw("quality assurance"), kw("test engineer"), kw("sdet"), kw("automation tester"), kw("tester"),
            kw("quality engineer"), kw("test automation"), kw("qa engineer"), kw("qa analyst"),
        ],
        default_level: MID,
        mission: "help the team ship high-quality software with confidence and speed",
        field: "software quality assurance",
        craft: &[
            def("Test automation", "Builds maintainable automated tests at the right levels (API, UI, end-to-end).", T, 9),
            def("Test design", "Designs test cases and strategies that find the bugs that matter: boundaries, risks, exploratory testing.", T, 8),
            def("Programming", "Writes clean code for test frameworks and tools (e.g. TypeScript, Python, Java).", T, 6),
            def("CI and test infrastructure", "Runs tests in CI quickly and reliably; tackles flakiness.", T, 5),
            def("Quality strategy", "Sets the team's quality approach: what to test, where, and how to measure quality.", T, 5).starting_at(SENIOR),
            def("Performance and load testing", "Designs and runs load tests and interprets the results.", T, 3).supporting(),
        ],
        responsibilities: &[
            "Design and maintain automated test suites",
            "Plan testing for new features with engineers and product managers",
            "Find, report and help fix defects early",
            "Keep CI fast and reliable",
            "Champion quality practices across the team",
        ],
        requirements: &[
            "Experience with test automation frameworks (e.g. Playwright, Cypress, Selenium, pytest)",
            "Programming experience in at least one language",
            "A methodical approach to finding and reporting bugs",
        ],
        nice_to_have: &[
            "Experience testing APIs and mobile apps",
            "Performance testing experience",
            "ISTQB certification",
        ],
        customer_facing: false,
    },
    Family {
        id: "product_management",
        name: "Product management",
        department: "Product",
        track: Track::Business,
        keywords: &[
            kw("product manager"), kw("product owner"), kw("product management"), kw("technical product manager"),
            kw_at("product lead", LEAD), kw_at("head of product", Seniority::Director), kw_at("cpo", Seniority::Director),
            kw_at("chief product officer", Seniority::Director), kw_at("group product manager", STAFF),
            kw_at("director of product", Seniority::Director), kw_at("vp product", Seniority::Director),
        ],
        default_level: MID,
        mission: "discover what our customers need and lead the team that builds it",
        field: "product management",
        craft: &[
            def("Product discovery", "Understands users through research and data, and finds the problems worth solving.", D, 8),
            def("Prioritisation and roadmapping", "Decides what matters most, says no well, and keeps a roadmap honest.", D, 8),
            def("Product strategy", "Connects the product to the market, the business model and a long-term vision.", D, 6).starting_at(SENIOR),
            def("Delivery and execution", "Works with engineering and design to ship iteratively with clear requirements.", D, 6),
            def("Data-informed decisions", "Defines success metrics, reads experiments and uses data to decide.", T, 6),
            def("Technical understanding", "Understands technical constraints and trade-offs well enough to discuss them with engineers.", T, 4).supporting(),
            def("Market and customer knowledge", "Knows the customers, competitors and the market the product plays in.", D, 4),
        ],
        responsibilities: &[
            "Understand customer problems through research, data and feedback",
            "Define and prioritise the roadmap and the problems the team solves",
            "Write clear requirements and shape solutions with design and engineering",
            "Set success metrics and measure the impact of what ships",
            "Communicate plans and progress to stakeholders",
        ],
        requirements: &[
            "Experience as a product manager or in a closely related role",
            "Evidence of shipping products customers love",
            "Strong analytical and communication skills",
        ],
        nice_to_have: &[
            "Experience with B2B SaaS or the company's domain",
            "A technical or design background",
            "Experience with experimentation platforms",
        ],
        customer_facing: true,
    },
    Family {
        id: "project_management",
        name: "Project and program management",
        department: "Operations",
        track: Track::Business,
        keywords: &[
            kw("project manager"), kw("program manager"), kw("programme manager"), kw("technical program manager"),
            kw("tpm"), kw("scrum master"), kw("delivery manager"), kw("agile coach"), kw("pmo"),
        ],
        default_level: MID,
        mission: "deliver complex projects on time by keeping teams aligned, unblocked and informed",
        field: "project or program management",
        craft: &[
            def("Planning and scheduling", "Builds realistic plans with milestones, dependencies and buffers.", D, 8),
            def("Risk and issue management", "Spots risks early, escalates at the right time and drives issues to resolution.", D, 7),
            def("Delivery methods", "Applies agile and traditional delivery methods pragmatically.", D, 6),
            def("Status reporting", "Keeps stakeholders informed with concise, honest status and decisions needed.", D, 5),
            def("Budget and resource management", "Tracks cost and capacity and makes trade-offs visible.", D, 4).starting_at(SENIOR),
            def("Technical understanding", "Understands the technical work well enough to judge scope and risk.", T, 4).supporting(),
        ],
        responsibilities: &[
            "Plan projects and programs with clear scope, milestones and owners",
            "Track progress, risks and dependencies across teams",
            "Run the rituals that keep teams aligned and unblocked",
            "Report status and escalate decisions to stakeholders",
            "Improve how the organisation plans and delivers",
        ],
        requirements: &[
            "Experience managing projects with several teams or stakeholders",
            "Familiarity with agile and project management tools",
            "Strong organisation and communication",
        ],
        nice_to_have: &[
            "PMP, PRINCE2 or Scrum certification",
            "Experience with software delivery",
            "Experience with budget ownership",
        ],
        customer_facing: false,
    },
    Family {
        id: "design",
        name: "Product and UX design",
        department: "Design",
        track: Track::Business,
        keywords: &[
            kw("designer"), kw("ux"), kw("ui designer"), kw("ux designer"), kw("product designer"), kw("product design"),
            kw("user researcher"), kw("ux researcher"), kw("interaction designer"), kw("visual designer"),
            kw("graphic designer"), generic("design"), kw("content designer"),
        ],
        default_level: MID,
        mission: "design products that are simple, useful and beautiful for the people who use them",
        field: "product or UX design",
        craft: &[
            def("Interaction design", "Designs flows and interactions that make complex tasks feel simple.", T, 9),
            def("Visual design", "Creates clear, consistent, accessible visual design with strong hierarchy and typography.", T, 7),
            def("User research", "Plans and runs interviews and usability tests and turns findings into decisions.", T, 6),
            def("Prototyping", "Prototypes at the right fidelity (e.g. in Figma) to test ideas quickly.", T, 5),
            def("Design systems", "Builds and evolves reusable components and guidelines with engineering.", T, 5).starting_at(MID),
            def("Accessibility", "Designs for everyone, following WCAG and inclusive design practice.", T, 4).supporting(),
            def("Product thinking", "Connects design choices to user needs and business goals.", D, 5).starting_at(SENIOR),
        ],
        responsibilities: &[
            "Design end-to-end user experiences, from flows to polished UI",
            "Run research and usability tests to learn from users",
            "Prototype and iterate quickly with product and engineering",
            "Contribute to and evolve the design system",
            "Present and explain design decisions to the team",
        ],
        requirements: &[
            "A portfolio that shows your process and shipped work",
            "Proficiency in a design tool such as Figma",
            "Experience working closely with engineers and product managers",
        ],
        nice_to_have: &[
            "Experience designing B2B or data-heavy products",
            "Basic front-end coding skills",
            "Motion or illustration skills",
        ],
        customer_facing: false,
    },
    Family {
        id: "engineering_management",
        name: "Engineering management",
        department: "Engineering",
        track: Track::Management,
        keywords: &[
            kw_at("engineering manager", MANAGER), kw_at("software engineering manager", MANAGER),
            kw_at("development manager", MANAGER), kw_at("head of engineering", Seniority::Director),
            kw_at("director of engineering", Seniority::Director), kw_at("engineering director", Seniority::Director),
            kw_at("vp engineering", Seniority::Director), kw_at("vp of engineering", Seniority::Director),
            kw_at("cto", Seniority::Director), kw_at("chief technology officer", Seniority::Director),
            kw_at("engineering lead", LEAD),
        ],
        default_level: MANAGER,
        mission: "lead engineers who build and run our product, and help them do the best work of their careers",
        field: "software engineering",
        craft: &[
            def("Engineering delivery", "Plans and delivers engineering work predictably, balancing scope, quality and speed.", L, 8),
            def("Technical judgement", "Understands architecture and trade-offs well enough to guide and challenge technical decisions.", T, 7),
            def("Engineering practices", "Builds healthy practices: code review, testing, CI/CD, on-call and incident learning.", T, 5),
            def("Organisation design", "Shapes teams, ownership and processes so the organisation scales.", L, 5).starting_at(Seniority::Director),
            def("Technology strategy", "Sets the technical vision and investment priorities with product and business leaders.", L, 5).starting_at(Seniority::Director),
            def("Cross-functional partnership", "Partners with product, design and business leaders on goals and trade-offs.", L, 5),
        ],
        responsibilities: &[
            "Lead, coach and grow a team of engineers",
            "Own delivery of the team's roadmap with product and design",
            "Keep engineering quality, reliability and practices high",
            "Hire engineers and build an inclusive team culture",
            "Represent the team and its technical needs to the wider organisation",
        ],
        requirements: &[
            "A software engineering background with hands-on experience",
            "Experience leading engineers through delivery of complex projects",
            "Strong communication and coaching skills",
        ],
        nice_to_have: &[
            "Experience scaling a team through growth",
            "Experience with distributed or remote teams",
            "Experience with engineering metrics (e.g. DORA)",
        ],
        customer_facing: false,
    },
    Family {
        id: "sales",
        name: "Sales",
        department: "Sales",
        track: Track::Business,
        keywords: &[
            kw("sales"), kw("account executive"), kw("business development"), kw("bdr"), kw("sdr"),
            kw("account manager"), kw("sales development"), kw("key account"), kw("sales engineer"),
            kw("solutions engineer"), kw("presales"), kw("inside sales"), kw("partnerships"),
        ],
        default_level: MID,
        mission: "win new customers and grow revenue by understanding their problems and showing how we solve them",
        field: "B2B sales",
        craft: &[
            def("Prospecting and pipeline generation", "Finds and qualifies opportunities through research, outreach and referrals.", D, 8),
            def("Discovery and consultative selling", "Uncovers customer pain, impact and decision process with sharp questions.", D, 8),
            def("Negotiation and closing", "Handles objections, negotiates value-based terms and closes deals.", D, 7),
            def("Product knowledge", "Knows the product, its value and its competitors well enough to demo and position it.", D, 5),
            def("Pipeline and forecast management", "Keeps the CRM accurate and forecasts reliably.", D, 5),
            def("Account strategy", "Plans complex, multi-stakeholder deals and expansion within accounts.", D, 5).starting_at(SENIOR),
        ],
        responsibilities: &[
            "Build and manage a healthy pipeline of qualified opportunities",
            "Run discovery, demos and negotiations through to close",
            "Meet or exceed quarterly revenue targets",
            "Keep the CRM and forecast accurate",
            "Share customer and market insight with product and marketing",
        ],
        requirements: &[
            "A track record of meeting or exceeding sales targets",
            "Excellent communication and negotiation skills",
            "Experience with a CRM such as Salesforce or HubSpot",
        ],
        nice_to_have: &[
            "Experience selling SaaS to the company's market",
            "Familiarity with a sales methodology (e.g. MEDDICC, Challenger)",
            "Languages relevant to our markets",
        ],
        customer_facing: true,
    },
    Family {
        id: "customer_success",
        name: "Customer success and support",
        department: "Customer Success",
        track: Track::Business,
        keywords: &[
            kw("customer success"), kw("csm"), kw("customer support"), kw("support specialist"), kw("support engineer"),
            kw("customer experience"), kw("customer service"), kw("technical support"), kw("help desk"),
            kw("helpdesk"), kw("onboarding specialist"), kw("implementation consultant"), kw("customer success manager"),
        ],
        default_level: MID,
        mission: "make our customers successful, from onboarding to renewal",
        field: "customer success or support",
        craft: &[
            def("Customer relationship management", "Builds trusted relationships with customers and understands their goals.", D, 8),
            def("Onboarding and adoption", "Gets customers to value quickly and drives adoption of the product.", D, 7),
            def("Troubleshooting", "Diagnoses customer issues methodically and resolves or escalates them well.", T, 6),
            def("Product expertise", "Knows the product deeply, including its configuration and limits.", D, 6),
            def("Retention and expansion", "Spots churn risk and expansion opportunities and acts on them.", D, 5).starting_at(MID),
            def("Customer advocacy", "Brings customer feedback to product teams with evidence and priority.", D, 4).supporting(),
        ],
        responsibilities: &[
            "Onboard customers and help them reach their goals with the product",
            "Resolve customer questions and issues quickly and kindly",
            "Monitor account health and act on churn risks",
            "Identify expansion opportunities with the sales team",
            "Turn customer feedback into clear input for product teams",
        ],
        requirements: &[
            "Experience in customer success, account management or support",
            "Excellent written and spoken communication",
            "Comfort learning and explaining technical products",
        ],
        nice_to_have: &[
            "Experience with a customer success platform (e.g. Gainsight) or help desk (e.g. Zendesk)",
            "Experience with B2B SaaS",
            "Languages relevant to our customers",
        ],
        customer_facing: true,
    },
    Family {
        id: "marketing",
        name: "Marketing",
        department: "Marketing",
        track: Track::Business,
        keywords: &[
            kw("marketing"), kw("marketer"), generic("growth"), kw("seo"), generic("content"), generic("brand"),
            kw("demand generation"), generic("communications"), generic("pr"), kw("public relations"), kw("social media"),
            kw("copywriter"), kw("lead generation"), kw("product marketing"), kw("performance marketing"), kw("cmo"),
        ],
        default_level: MID,
        mission: "grow awareness and demand for our product with marketing that is measured and memorable",
        field: "marketing",
        craft: &[
            def("Campaign planning and execution", "Plans and runs multi-channel campaigns from brief to results.", D, 8),
            def("Marketing analytics", "Measures funnels, attribution and ROI, and optimises on the data.", T, 7),
            def("Content and messaging", "Writes clear, compelling messaging and content for the audience.", D, 7),
            def("Channel expertise", "Knows the paid, owned and earned channels that reach our customers (search, social, email, events).", D, 6),
            def("Customer and market insight", "Understands segments, personas and competitors.", D, 5),
            def("Marketing strategy", "Sets positioning, goals and budget across channels.", D, 5).starting_at(SENIOR),
        ],
        responsibilities: &[
            "Plan and run campaigns that grow awareness, pipeline and revenue",
            "Create and improve content and messaging for our audiences",
            "Measure performance and optimise channels and budget",
            "Work with sales and product on launches and positioning",
            "Keep the brand consistent across every touchpoint",
        ],
        requirements: &[
            "Experience running marketing campaigns with measurable results",
            "Strong writing and analytical skills",
            "Experience with marketing tools (e.g. HubSpot, Google Analytics, ad platforms)",
        ],
        nice_to_have: &[
            "B2B SaaS marketing experience",
            "SEO or paid acquisition expertise",
            "Design or video skills",
        ],
        customer_facing: false,
    },
    Family {
        id: "finance",
        name: "Finance and accounting",
        department: "Finance",
        track: Track::Business,
        keywords: &[
            kw("finance"), generic("financial"), kw("accountant"), kw("accounting"), kw("controller"),
            kw("fp a"), kw("financial analyst"), kw("bookkeeper"), kw("treasury"), kw("cfo"), kw("auditor"),
            kw("payroll"), generic("tax"),
        ],
        default_level: MID,
        mission: "keep our finances accurate, compliant and ready to support good decisions",
        field: "finance or accounting",
        craft: &[
            def("Accounting and reporting", "Keeps accurate books and produces reliable financial statements under local GAAP/IFRS.", D, 8),
            def("Financial analysis and modelling", "Builds models, budgets and forecasts and explains variances.", T, 8),
            def("Spreadsheet and systems skills", "Works fluently in Excel/Sheets and finance systems (ERP, accounting software).", T, 6),
            def("Compliance and controls", "Applies tax, audit and internal control requirements reliably.", D, 6),
            def("Attention to detail", "Produces accurate work and catches errors before they matter.", B, 5),
            def("Business partnering", "Advises budget owners and leadership with clear financial insight.", D, 5).starting_at(SENIOR),
        ],
        responsibilities: &[
            "Maintain accurate financial records and run the month-end close",
            "Prepare budgets, forecasts and management reporting",
            "Ensure compliance with tax, audit and regulatory requirements",
            "Improve financial processes, controls and systems",
            "Provide financial insight to budget owners and leadership",
        ],
        requirements: &[
            "A degree or qualification in accounting or finance, or equivalent experience",
            "Strong Excel or Google Sheets skills",
            "Knowledge of accounting principles and financial controls",
        ],
        nice_to_have: &[
            "A professional qualification (e.g. CPA, ACCA, CFA)",
            "Experience with ERP systems (e.g. NetSuite, SAP)",
            "Experience in a high-growth company",
        ],
        customer_facing: false,
    },
    Family {
        id: "hr",
        name: "People and recruiting",
        department: "People",
        track: Track::Business,
        keywords: &[
            kw("hr"), kw("human resources"), kw("people partner"), kw("recruiter"), kw("recruiting"),
            kw("talent acquisition"), kw("people operations"), kw("hrbp"), kw("sourcer"), kw("talent partner"),
            kw("people team"), kw("chro"), kw("compensation"), kw("learning and development"),
        ],
        default_level: MID,
        mission: "attract, develop and retain great people and make this a place they want to work",
        field: "recruiting or people operations",
        craft: &[
            def("Talent acquisition", "Sources, assesses and closes candidates with a fair, structured process.", D, 8),
            def("Employee relations", "Handles sensitive people matters fairly, confidentially and lawfully.", D, 6),
            def("Employment law and policy", "Applies employment law and company policy correctly.", D, 5),
            def("People operations", "Runs HR processes and systems (HRIS, onboarding, payroll inputs) smoothly.", T, 5),
            def("Candidate and employee experience", "Designs experiences that people value, from first contact to alumni.", D, 5),
            def("People analytics", "Uses people data (pipeline, retention, engagement) to inform decisions.", T, 4).starting_at(MID),
            def("Organisational development", "Shapes performance, career frameworks, compensation and culture programmes.", D, 5).starting_at(SENIOR),
        ],
        responsibilities: &[
            "Run hiring processes end to end with hiring managers",
            "Support managers and employees on people matters",
            "Maintain people processes, policies and systems",
            "Improve candidate and employee experience using data and feedback",
            "Contribute to programmes for performance, growth and culture",
        ],
        requirements: &[
            "Experience in recruiting, HR or people operations",
            "Excellent communication, discretion and judgement",
            "Working knowledge of employment practices in our locations",
        ],
        nice_to_have: &[
            "Experience with an ATS and an HRIS",
            "A people or HR qualification (e.g. CIPD, SHRM)",
            "Experience hiring technical talent",
        ],
        customer_facing: false,
    },
    Family {
        id: "operations",
        name: "Operations",
        department: "Operations",
        track: Track::Business,
        keywords: &[
            generic("operations"), generic("ops"), kw("supply chain"), kw("logistics"), kw("office manager"),
            kw("business operations"), kw("revops"), kw("revenue operations"), kw("procurement"), kw("coo"),
            kw("operations analyst"), kw("warehouse"), kw("fulfilment"), kw("fulfillment"), generic("administrator"),
        ],
        default_level: MID,
        mission: "make the business run smoothly, efficiently and at scale",
        field: "operations",
        craft: &[
            def("Process improvement", "Maps, measures and improves processes (e.g. lean methods) to remove waste.", D, 8),
            def("Operational planning", "Plans capacity, resources and schedules to meet demand.", D, 7),
            def("Data and reporting", "Tracks operational KPIs and builds the reports that run the business.", T, 6),
            def("Vendor and supplier management", "Selects, negotiates with and manages vendors and suppliers.", D, 5),
            def("Tools and systems", "Configures and improves the tools the operation runs on (ERP, CRM, spreadsheets, automation).", T, 5),
            def("Operational strategy", "Designs how the operation should scale and what to invest in.", D, 5).starting_at(SENIOR),
        ],
        responsibilities: &[
            "Run and improve core business processes",
            "Track KPIs and report on operational performance",
            "Plan capacity and resources to meet demand",
            "Manage vendors, suppliers and budgets",
            "Drive cross-functional projects that make the company more efficient",
        ],
        requirements: &[
            "Experience in operations, supply chain or business operations",
            "Strong analytical and spreadsheet skills",
            "Excellent organisation and follow-through",
        ],
        nice_to_have: &[
            "Lean or Six Sigma certification",
            "Experience with automation tools",
            "Experience in a scaling company",
        ],
        customer_facing: false,
    },
    Family {
        id: "legal",
        name: "Legal and compliance",
        department: "Legal",
        track: Track::Business,
        keywords: &[
            kw("legal"), kw("lawyer"), kw("counsel"), kw("attorney"), kw("paralegal"), kw("compliance"),
            kw("privacy counsel"), kw("general counsel"), kw("contracts manager"), kw("dpo"),
        ],
        default_level: MID,
        mission: "protect the company and enable the business with clear, practical legal advice",
        field: "legal practice or compliance",
        craft: &[
            def("Commercial contracts", "Drafts, reviews and negotiates commercial agreements efficiently.", D, 8),
            def("Regulatory compliance", "Interprets and applies the laws and regulations that govern the business.", D, 7),
            def("Data protection and privacy", "Advises on GDPR and other privacy laws and runs privacy processes.", D, 6),
            def("Legal research and analysis", "Researches questions of law and gives clear, risk-weighted advice.", D, 6),
            def("Risk management", "Identifies legal risk and proposes practical mitigations.", D, 5).starting_at(MID),
            def("Corporate and employment law", "Supports corporate governance and employment matters.", D, 4).supporting(),
        ],
        responsibilities: &[
            "Draft, review and negotiate contracts",
            "Advise teams on legal and regulatory questions",
            "Run compliance and privacy programmes",
            "Manage legal risk and external counsel",
            "Keep templates, policies and playbooks up to date",
        ],
        requirements: &[
            "A law degree or relevant legal or compliance qualification",
            "Experience advising a business on commercial matters",
            "Clear writing and pragmatic judgement",
        ],
        nice_to_have: &[
            "Admission to the bar in a relevant jurisdiction",
            "Experience with technology or SaaS companies",
            "Privacy certification (e.g. CIPP/E)",
        ],
        customer_facing: false,
    },
];

/// The family for a title nothing in the library recognises: a professional role,
/// assessed on generally useful competencies, so a position is still generated.
pub static GENERAL: Family = Family {
    id: "general",
    name: "General",
    department: "",
    track: Track::Business,
    keywords: &[],
    default_level: MID,
    mission: "deliver excellent work in this role and help the team reach its goals",
    field: "a related role",
    craft: &[
        def(
            "Role expertise",
            "Has the knowledge and skills the role's core work requires, and keeps them current.",
            D,
            9,
        ),
        def(
            "Planning and organisation",
            "Plans work, manages time and priorities, and meets commitments.",
            D,
            7,
        ),
        def(
            "Quality of work",
            "Produces accurate, thorough work that others can rely on.",
            D,
            6,
        ),
        def(
            "Tools and systems",
            "Uses the tools and systems of the role effectively.",
            T,
            5,
        ),
        def(
            "Analytical thinking",
            "Gathers information, analyses it and draws sound conclusions.",
            T,
            5,
        ),
        def(
            "Process improvement",
            "Spots inefficiencies and improves how the work gets done.",
            D,
            4,
        )
        .starting_at(SENIOR),
    ],
    responsibilities: &[
        "Deliver the core work of the role to a high standard",
        "Plan and prioritise work in line with team goals",
        "Work closely with colleagues across the company",
        "Improve processes and share knowledge",
    ],
    requirements: &[
        "Relevant experience or qualifications for the role",
        "Strong organisation and communication skills",
    ],
    nice_to_have: &[
        "Experience in a similar company or industry",
        "Experience with the tools the team uses",
    ],
    customer_facing: false,
};

/// Every competency of the library by name (case-insensitive), for hints that name one.
pub fn find_def(name: &str) -> Option<Def> {
    let wanted = name.trim().to_lowercase();
    FAMILIES
        .iter()
        .chain(std::iter::once(&GENERAL))
        .flat_map(|f| f.craft.iter())
        .chain(
            [
                COMMUNICATION,
                COLLABORATION,
                PROBLEM_SOLVING,
                OWNERSHIP,
                LEARNING_AGILITY,
                CUSTOMER_FOCUS,
                MENTORING,
                TECHNICAL_LEADERSHIP,
                FUNCTIONAL_LEADERSHIP,
                STRATEGIC_THINKING,
                STAKEHOLDER_MANAGEMENT,
                PEOPLE_MANAGEMENT,
                HIRING,
            ]
            .iter(),
        )
        .find(|d| d.name.to_lowercase() == wanted)
        .copied()
}

/// A family by id.
pub fn family(id: &str) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .find(|f| f.id == id)
        .or(if id == GENERAL.id {
            Some(&GENERAL)
        } else {
            None
        })
}
