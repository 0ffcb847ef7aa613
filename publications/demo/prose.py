"""Titles and abstracts for demo records, from templates and a clinical
vocabulary: they read like a medical school's papers without being any."""

import random

from .draws import between, one, two

CONDITIONS = """
acute myeloid leukemia|acute kidney injury|
heart failure with preserved ejection fraction|type 2 diabetes|type 1 diabetes|sepsis|
septic shock|community-acquired pneumonia|asthma|
chronic obstructive pulmonary disease|atrial fibrillation|hypertension|
ischemic stroke|Alzheimer disease|Parkinson disease|multiple sclerosis|epilepsy|
major depressive disorder|schizophrenia|opioid use disorder|alcohol use disorder|
rheumatoid arthritis|systemic lupus erythematosus|Crohn disease|ulcerative colitis|
nonalcoholic fatty liver disease|hepatitis C|HIV infection|COVID-19|influenza|
tuberculosis|Clostridioides difficile infection|
methicillin-resistant Staphylococcus aureus bacteremia|breast cancer|
colorectal cancer|non-small cell lung cancer|prostate cancer|
pancreatic adenocarcinoma|glioblastoma|melanoma|multiple myeloma|
diffuse large B-cell lymphoma|hemophagocytic lymphohistiocytosis|sickle cell disease|
venous thromboembolism|chronic kidney disease|obesity|osteoporosis|
osteoarthritis of the knee|hip fracture|traumatic brain injury|spinal cord injury|
preeclampsia|preterm birth|bronchiolitis|autism spectrum disorder|
attention-deficit/hyperactivity disorder|cystic fibrosis|
amyotrophic lateral sclerosis|Huntington disease|age-related macular degeneration|
glaucoma|psoriasis|atopic dermatitis|chronic pain|delirium|frailty|
post-traumatic stress disorder|cardiac arrest|acute respiratory distress syndrome|
aortic stenosis|peripheral artery disease|graft-versus-host disease|
kidney transplant rejection|macrophage activation syndrome
"""

INTERVENTIONS = """
metformin|SGLT2 inhibitors|GLP-1 receptor agonists|early mobilization|
telehealth follow-up|a pharmacist-led intervention|buprenorphine treatment|
low-dose aspirin|statin therapy|immune checkpoint blockade|CAR T-cell therapy|
allogeneic stem cell transplantation|antisense oligonucleotides|RNA interference|
AAV-mediated gene therapy|CRISPR-Cas9 gene editing|a community health worker program|
mindfulness-based stress reduction|cognitive behavioral therapy|
structured exercise training|a Mediterranean diet|vitamin D supplementation|
corticosteroids|anakinra|tocilizumab|emapalumab|ruxolitinib|
direct oral anticoagulants|transcatheter aortic valve replacement|
robotic-assisted surgery|enhanced recovery after surgery protocols|
regional anesthesia|point-of-care ultrasound|electronic health record alerts|
machine learning risk prediction|shared decision-making tools|advance care planning|
home-based primary care|influenza vaccination|mRNA vaccination|prone positioning|
high-flow nasal oxygen|continuous glucose monitoring|smoking cessation counseling|
naloxone distribution
"""

POPULATIONS = """
older adults|children|adolescents|young adults|pregnant women|veterans|
kidney transplant recipients|nursing home residents|hospitalized patients|
patients in the intensive care unit|Medicare beneficiaries|Medicaid enrollees|
rural residents|Black and Hispanic adults|people experiencing homelessness|
primary care patients|emergency department patients|preterm infants|
adults with obesity|women of reproductive age|health care workers|surgical patients|
cancer survivors|people who inject drugs|patients receiving hemodialysis
"""

OUTCOMES = """
30-day readmission|all-cause mortality|in-hospital mortality|quality of life|
length of stay|functional status|cognitive decline|glycemic control|
progression-free survival|overall survival|treatment adherence|health care costs|
emergency department visits|major adverse cardiovascular events|relapse|
symptom burden|patient-reported outcomes|time to diagnosis|infection rates|
postoperative complications|opioid overdose|depressive symptoms|
kidney function decline|vaccine uptake|diagnostic accuracy
"""

MECHANISMS = """
interleukin-6 signaling|T-cell exhaustion|mitochondrial dysfunction|
the gut microbiome|NLRP3 inflammasome activation|perforin-dependent cytotoxicity|
interferon-gamma signaling|microRNA regulation|DNA methylation|clonal hematopoiesis|
autophagy|endoplasmic reticulum stress|neutrophil extracellular traps|
regulatory T cells|macrophage polarization|insulin resistance|oxidative stress|
RNA splicing|tumor-associated macrophages|synaptic pruning|neuroinflammation|
complement activation|lipid metabolism|epithelial barrier dysfunction|
natural killer cell dysfunction|cytokine storm
"""

SETTINGS = """
a large academic medical center|community hospitals in New England|
primary care practices|a statewide health system|intensive care units|
federally qualified health centers|a national claims database|
a multicenter research network|outpatient clinics|skilled nursing facilities
"""

DESIGNS = [
    ("a retrospective cohort study", "a retrospective cohort study"),
    ("a prospective cohort study", "a prospective cohort study"),
    ("a randomized controlled trial", "a randomized clinical trial"),
    ("a pragmatic cluster-randomized trial", "a cluster-randomized trial"),
    ("a cross-sectional survey", "a cross-sectional study"),
    ("a case-control study", "a case-control study"),
    ("a secondary analysis of trial data", "a secondary analysis"),
    ("a population-based cohort study", "a population-based study"),
    ("a mixed-methods study", "a mixed-methods study"),
    ("a quality improvement study", "a quality improvement study"),
]


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split("|") if item.strip()]


CONDITIONS, INTERVENTIONS, POPULATIONS, OUTCOMES, MECHANISMS, SETTINGS = (
    _items(CONDITIONS),
    _items(INTERVENTIONS),
    _items(POPULATIONS),
    _items(OUTCOMES),
    _items(MECHANISMS),
    _items(SETTINGS),
)

TITLES = {
    "research": [
        "{intervention} and {outcome} in {population} with {condition}",
        "Association of {intervention} with {outcome} among {population} with "
        "{condition}",
        "Effect of {intervention} on {outcome} in {population} with {condition}: "
        "{design_title}",
        "{mechanism} drives {condition} in a mouse model",
        "Role of {mechanism} in {condition}",
        "Trends in {outcome} among {population} with {condition}, {year1}-{year2}",
        "Risk factors for {outcome} after {intervention}: {design_title}",
        "Predictors of {outcome} in {population} hospitalized with {condition}",
        "Disparities in the use of {intervention} among {population} with {condition}",
        "{mechanism} and {outcome} in {condition}: {design_title}",
        "Targeting {mechanism} with {intervention} in {condition}",
        "Implementation of {intervention} in {setting}: {design_title}",
    ],
    "review": [
        "Advances in understanding the pathogenesis of {condition}",
        "{condition}: current concepts in diagnosis and management",
        "{mechanism} in {condition}: a review",
        "Emerging therapies for {condition}",
        "{intervention} for {condition}: a systematic review and meta-analysis",
        "{intervention} in {population}: a narrative review",
    ],
    "case": [
        "{condition} presenting after {intervention}: a case report",
        "An unusual presentation of {condition} in {population}",
        "{condition} complicated by {condition2}: case report and review of the "
        "literature",
    ],
    "comment": [
        "{intervention} for {condition}: time to rethink?",
        "Reducing {outcome} in {condition}: where do we stand?",
        "Reply: {intervention} and {outcome} in {condition}",
    ],
    "book": [
        "Management of {condition}",
        "{condition} in {population}",
        "Principles of {intervention}",
    ],
}

BACKGROUND = [
    "{condition_cap} is a leading cause of morbidity among {population}.",
    "{condition_cap} affects millions of people worldwide and its incidence is rising.",
    "Whether {intervention} improves {outcome} in {population} remains uncertain.",
    "Little is known about the contribution of {mechanism} to {condition}.",
    "Current guidelines offer limited evidence on {intervention} for {condition}.",
    "{outcome_cap} remains common despite advances in the care of {condition}.",
    "Prior studies of {intervention} were small and drew on single centers.",
    "{mechanism_cap} has been implicated in {condition}, but human data are scarce.",
    "Care for {population} with {condition} varies widely across health systems.",
    "Racial and socioeconomic disparities in {outcome} have been reported.",
]
METHODS = [
    "We conducted {design} of {n:,} {population} treated at {setting} between "
    "{year1} and {year2}.",
    "The primary outcome was {outcome}; secondary outcomes included {outcome2} and "
    "{outcome3}.",
    "Multivariable {model} models estimated the association of {intervention} with "
    "{outcome}, adjusting for age, sex, comorbidity and socioeconomic status.",
    "Participants were followed for a median of {followup} months.",
    "We used single-cell RNA sequencing, flow cytometry and mouse models to examine "
    "{mechanism}.",
    "Data were drawn from electronic health records and linked to state death records.",
    "Eligible participants were 18 years or older and had a confirmed diagnosis of "
    "{condition}.",
    "Exposure to {intervention} was ascertained from pharmacy and procedure records.",
    "Missing covariate data were handled by multiple imputation with 20 data sets.",
    "The study was approved by the institutional review board, which waived consent.",
    "Two investigators abstracted charts independently and resolved disagreements by "
    "consensus.",
    "Propensity scores were used to balance baseline characteristics between groups.",
]
RESULTS = [
    "Of {n:,} participants, {k:,} ({pct}%) met the primary end point.",
    "{intervention_cap} was associated with {direction} {outcome} ({measure}, {est}; "
    "95% CI, {lo}-{hi}).",
    "The median age was {age} years and {female}% were women.",
    "The effect was consistent across subgroups defined by age, sex and race.",
    "{mechanism_cap} was increased {fold}-fold in affected tissue compared with "
    "controls (P&lt;.001).",
    "Rates of {outcome2} did not differ between groups ({pct2}% vs {pct3}%).",
    "In sensitivity analyses, results were similar after excluding early events.",
    "Baseline characteristics were well balanced after propensity score weighting.",
    "The number needed to treat to prevent one event was {fold}{age}.",
    "Adherence to {intervention} at 12 months was {female}%.",
    "Serious adverse events occurred in {pct2}% of participants and were mostly mild.",
    "Loss of {mechanism} abrogated the phenotype in knockout mice.",
    "Associations were stronger among {population} than in the overall cohort.",
]
CONCLUSIONS = [
    "{intervention_cap} was associated with {direction} {outcome} in {population} "
    "with {condition}.",
    "These findings support randomized trials of {intervention} in {condition}.",
    "Targeting {mechanism} may offer a new therapeutic approach to {condition}.",
    "Health systems should consider {intervention} to reduce {outcome}.",
    "Further work should test whether these results apply to {population}.",
    "Clinicians should be aware of the risk of {outcome} in {condition}.",
]
REVIEW = [
    "This review summarizes recent advances in our understanding of {condition}.",
    "We discuss the role of {mechanism} and how it shapes the clinical course of "
    "{condition}.",
    "Evidence for {intervention} is reviewed, with attention to {population}.",
    "Diagnostic criteria, treatment options and outcomes are compared across "
    "published cohorts.",
    "Genetic studies have identified variants that predispose to {condition}, but "
    "their penetrance varies.",
    "Animal models have clarified how {mechanism} links the initial insult to organ "
    "damage.",
    "Observational data suggest that {intervention} reduces {outcome}, although "
    "trials have been small.",
    "Biomarkers that distinguish {condition} from {condition2} are urgently needed.",
    "Outcomes among {population} remain worse than in other groups.",
    "Imaging and laboratory findings that aid early recognition are summarized.",
    "Recent trials of {intervention} and their limitations are described in detail.",
    "The interplay between {mechanism} and host genetics is a focus of current work.",
    "Management in resource-limited settings poses particular challenges.",
    "Long-term follow-up data on {outcome} are sparse and heterogeneous.",
    "We propose a framework for risk stratification at the time of diagnosis.",
    "We highlight gaps in knowledge and priorities for future research.",
]
CASE = [
    "We describe {a_patient} who presented with fever, cytopenias and "
    "hepatosplenomegaly.",
    "Laboratory studies showed markedly elevated ferritin and soluble interleukin-2 "
    "receptor levels.",
    "Imaging showed diffuse lymphadenopathy without a discrete mass.",
    "Bone marrow examination revealed hemophagocytosis and a reactive infiltrate.",
    "A diagnosis of {condition} was made and {intervention} was started.",
    "The course was complicated by {condition2}, which resolved with supportive care.",
    "The patient recovered and remained well at {followup}-month follow-up.",
    "We review published cases and the evidence for {intervention} in this setting.",
    "This case highlights the need to consider {condition} in {population}.",
]
# Unstructured abstracts: two opening sentences, then the kind's sentences in order.
BODIES = {"review": REVIEW, "case": CASE, "comment": REVIEW, "book": REVIEW}

MAX_WORDS = 300
MODELS = ["logistic regression", "Cox proportional hazards", "Poisson regression"]
MEASURES = ["odds ratio", "hazard ratio", "relative risk", "adjusted odds ratio"]
PATIENTS = ["a 34-year-old woman", "a 7-year-old boy", "a 62-year-old man", "an infant"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def topic(rng: random.Random, year: int) -> dict:
    """The words and numbers one record's title and abstract share."""
    r = rng.random
    condition, condition2 = two(r, CONDITIONS)
    outcome, outcome2 = two(r, OUTCOMES)
    n = one(r, (48, 120, 312, 1_024, 2_560, 12_480, 48_913)) + between(r, 0, 400)
    k = max(1, n * between(r, 3, 40) // 100)
    estimate = between(r, 45, 190) / 100
    spread = between(r, 5, 30) / 100
    intervention = one(r, INTERVENTIONS)
    mechanism = one(r, MECHANISMS)
    design, design_title = one(r, DESIGNS)
    return {
        "condition": condition,
        "condition_cap": _cap(condition),
        "condition2": condition2,
        "intervention": intervention,
        "intervention_cap": _cap(intervention),
        "population": one(r, POPULATIONS),
        "outcome": outcome,
        "outcome_cap": _cap(outcome),
        "outcome2": outcome2,
        "outcome3": one(r, OUTCOMES),
        "mechanism": mechanism,
        "mechanism_cap": _cap(mechanism),
        "setting": one(r, SETTINGS),
        "design": design,
        "design_title": design_title,
        "year1": year - between(r, 3, 12),
        "year2": year - between(r, 1, 3),
        "n": n,
        "k": k,
        "pct": round(100 * k / n, 1),
        "pct2": between(r, 5, 40),
        "pct3": between(r, 5, 40),
        "est": f"{estimate:.2f}",
        "lo": f"{max(0.1, estimate - spread):.2f}",
        "hi": f"{estimate + spread:.2f}",
        "direction": "lower" if estimate < 1 else "higher",
        "measure": one(r, MEASURES),
        "model": one(r, MODELS),
        "followup": between(r, 6, 60),
        "age": between(r, 8, 78),
        "female": between(r, 30, 70),
        "fold": between(r, 2, 9),
        "a_patient": one(r, PATIENTS),
    }


def title(rng: random.Random, kind: str, facts: dict) -> str:
    return _cap(one(rng.random, TITLES[kind]).format_map(facts))


def _rotated(r, pool: list[str]) -> list[str]:
    """The pool from a random starting sentence: a cheap varied order."""
    start = int(r() * len(pool))
    return pool[start:] + pool[:start]


STRUCTURE = [  # section, its templates, sentences it starts with
    ("BACKGROUND", BACKGROUND, 2),
    ("METHODS", METHODS, 3),
    ("RESULTS", RESULTS, 3),
    ("CONCLUSIONS", CONCLUSIONS, 1),
]
LENGTHENED = ("RESULTS", "METHODS", "BACKGROUND")


def abstract(rng: random.Random, kind: str, facts: dict) -> str:
    """150 to 300 words; research abstracts are structured about a third of
    the time (BACKGROUND/METHODS/RESULTS/CONCLUSIONS, one <p> each)."""
    r = rng.random
    target = between(r, 150, 201 if kind == "case" else MAX_WORDS + 1)
    if kind in BODIES:
        # Two opening sentences, the kind's own in order, more background.
        background = _rotated(r, BACKGROUND)
        sentences, words = [], 0
        for template in background[:2] + BODIES[kind] + background[2:]:
            if words >= target:
                break
            sentence = template.format_map(facts)
            length = sentence.count(" ") + 1
            if words + length <= MAX_WORDS:
                sentences.append(sentence)
                words += length
        return " ".join(sentences)
    templates, parts, words = {}, {}, 0
    for label, pool, first in STRUCTURE:
        templates[label] = _rotated(r, pool)
        parts[label] = [t.format_map(facts) for t in templates[label][:first]]
        words += sum(sentence.count(" ") + 1 for sentence in parts[label])
    starts = {label: first for label, _, first in STRUCTURE}
    for label in LENGTHENED:
        for template in templates[label][starts[label] :]:
            if words >= target:
                break
            sentence = template.format_map(facts)
            length = sentence.count(" ") + 1
            if words + length <= MAX_WORDS:
                parts[label].append(sentence)
                words += length
    if r() < 0.35:
        return "".join(
            f"<p>{label}: {' '.join(sentences)}</p>"
            for label, sentences in parts.items()
        )
    return " ".join(" ".join(sentences) for sentences in parts.values())
