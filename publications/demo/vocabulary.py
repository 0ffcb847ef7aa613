"""Reference lists of the demo data: a medical school's departments, the
disciplines its papers fall under, and keywords for when MeSH is not loaded.
"""

# (name, kind, children): a medical school as such schools are organised.
DEPARTMENT_TREE = [
    (
        "School of Medicine",
        "school",
        [
            (
                "Department of Anesthesiology and Perioperative Medicine",
                "department",
                [],
            ),
            (
                "Department of Biochemistry and Molecular Biotechnology",
                "department",
                [],
            ),
            ("Department of Dermatology", "department", []),
            ("Department of Emergency Medicine", "department", []),
            ("Department of Family Medicine and Community Health", "department", []),
            (
                "Department of Medicine",
                "department",
                [
                    ("Division of Cardiovascular Medicine", "division", []),
                    (
                        "Division of Endocrinology, Diabetes and Metabolism",
                        "division",
                        [],
                    ),
                    ("Division of Gastroenterology", "division", []),
                    ("Division of Geriatric Medicine", "division", []),
                    ("Division of Hematology and Oncology", "division", []),
                    ("Division of Hospital Medicine", "division", []),
                    ("Division of Infectious Diseases and Immunology", "division", []),
                    ("Division of Nephrology", "division", []),
                    (
                        "Division of Pulmonary, Allergy and Critical Care Medicine",
                        "division",
                        [],
                    ),
                    ("Division of Rheumatology", "division", []),
                ],
            ),
            ("Department of Microbiology and Physiological Systems", "department", []),
            ("Department of Molecular, Cell and Cancer Biology", "department", []),
            ("Department of Neurology", "department", []),
            ("Department of Obstetrics and Gynecology", "department", []),
            ("Department of Ophthalmology and Visual Sciences", "department", []),
            ("Department of Orthopedics and Physical Rehabilitation", "department", []),
            ("Department of Pathology", "department", []),
            (
                "Department of Pediatrics",
                "department",
                [
                    ("Division of Neonatology", "division", []),
                    ("Division of Pediatric Hematology and Oncology", "division", []),
                    ("Division of Pediatric Infectious Diseases", "division", []),
                ],
            ),
            (
                "Department of Population and Quantitative Health Sciences",
                "department",
                [],
            ),
            ("Department of Psychiatry", "department", []),
            ("Department of Radiation Oncology", "department", []),
            ("Department of Radiology", "department", []),
            (
                "Department of Surgery",
                "department",
                [
                    ("Division of Cardiac Surgery", "division", []),
                    ("Division of Surgical Oncology", "division", []),
                    ("Division of Trauma and Surgical Critical Care", "division", []),
                    ("Division of Vascular Surgery", "division", []),
                ],
            ),
            ("Department of Urology", "department", []),
        ],
    ),
    (
        "Graduate School of Biomedical Sciences",
        "school",
        [
            ("Program in Molecular Medicine", "program", []),
            ("Program in Bioinformatics and Integrative Biology", "program", []),
            ("Program in Neuroscience", "program", []),
        ],
    ),
    ("Center for Clinical and Translational Science", "center", []),
    ("RNA Therapeutics Institute", "center", []),
    ("Diabetes Center of Excellence", "center", []),
]

# Disciplines under "Medicine and Health Sciences" and "Life Sciences", as
# paths of the bepress taxonomy, used when the taxonomy is not loaded; a later
# load_disciplines finds them in place.
MEDICAL_SUBJECT_PATHS = (
    [
        ("Medicine and Health Sciences", "Diseases", name)
        for name in (
            "Bacterial Infections and Mycoses",
            "Cardiovascular Diseases",
            "Digestive System Diseases",
            "Endocrine System Diseases",
            "Hemic and Lymphatic Diseases",
            "Immune System Diseases",
            "Musculoskeletal Diseases",
            "Neoplasms",
            "Nervous System Diseases",
            "Nutritional and Metabolic Diseases",
            "Respiratory Tract Diseases",
            "Virus Diseases",
        )
    ]
    + [
        ("Medicine and Health Sciences", "Medical Specialties", name)
        for name in (
            "Cardiology",
            "Critical Care",
            "Emergency Medicine",
            "Gastroenterology",
            "Geriatrics",
            "Hematology",
            "Infectious Disease",
            "Nephrology",
            "Neurology",
            "Obstetrics and Gynecology",
            "Oncology",
            "Pathology",
            "Pediatrics",
            "Psychiatry",
            "Pulmonology",
            "Radiology",
            "Surgery",
        )
    ]
    + [
        ("Medicine and Health Sciences", "Public Health", "Epidemiology"),
        ("Medicine and Health Sciences", "Public Health", "Health Services Research"),
        ("Medicine and Health Sciences", "Medical Sciences", "Medical Genetics"),
        ("Medicine and Health Sciences", "Medical Sciences", "Medical Immunology"),
        ("Life Sciences", "Cell and Developmental Biology", "Cancer Biology"),
        ("Life Sciences", "Genetics and Genomics", "Genomics"),
        ("Life Sciences", "Immunology and Infectious Disease", "Immunity"),
        ("Life Sciences", "Microbiology", "Virology"),
        (
            "Life Sciences",
            "Neuroscience and Neurobiology",
            "Molecular and Cellular Neuroscience",
        ),
        ("Life Sciences", "Bioinformatics"),
    ]
)

# Check tags that most MEDLINE records carry; drawn more often than topics.
CHECK_TAGS = {
    "Humans": 0.8,
    "Female": 0.45,
    "Male": 0.45,
    "Adult": 0.25,
    "Middle Aged": 0.25,
    "Aged": 0.2,
    "Child": 0.1,
    "Adolescent": 0.08,
    "Infant": 0.06,
    "Animals": 0.15,
    "Mice": 0.1,
}

# Topic keywords in the manner of MeSH headings (author vocabulary, no UI).
TOPIC_KEYWORDS = """
Acute Kidney Injury; Acute Coronary Syndrome; Adaptive Immunity; Adenocarcinoma;
Adipose Tissue; Adverse Drug Reactions; Alzheimer Disease; Anemia; Angiography;
Anti-Bacterial Agents; Antibodies, Monoclonal; Antineoplastic Agents;
Antiviral Agents; Anxiety Disorders; Aortic Valve Stenosis; Apoptosis;
Arthritis, Rheumatoid; Asthma; Atrial Fibrillation;
Attention Deficit Disorder with Hyperactivity; Autism Spectrum Disorder;
Autoimmune Diseases; Autophagy; B-Lymphocytes; Bacteremia; Biomarkers; Biopsy;
Blood Pressure; Body Mass Index; Bone Density; Brain; Brain Injuries, Traumatic;
Breast Neoplasms; Bronchiolitis; Burnout, Professional; Calcium Signaling;
Carcinogenesis; Cardiomyopathies; Caregivers; Case-Control Studies;
Cell Differentiation; Cell Proliferation; Cerebral Hemorrhage; Chemokines;
Child Development; Cholesterol; Chromatin; Chronic Disease; Chronic Pain;
Clinical Competence; Clinical Decision-Making; Clostridioides difficile; Cognition;
Cognitive Dysfunction; Cohort Studies; Colitis, Ulcerative; Colorectal Neoplasms;
Communication; Community Health Workers; Comorbidity; Continuity of Patient Care;
Coronary Artery Disease; Cost-Benefit Analysis; COVID-19; CRISPR-Cas Systems;
Critical Illness; Crohn Disease; Cross-Sectional Studies; Cystic Fibrosis; Cytokines;
Delirium; Dementia; Dendritic Cells; Depression; Diabetes Mellitus, Type 1;
Diabetes Mellitus, Type 2; Diabetic Nephropathies; Diagnosis, Differential; Diet;
Disease Models, Animal; Disease Progression; DNA Methylation; DNA Repair;
Drug Resistance, Bacterial; Drug Resistance, Neoplasm; Echocardiography;
Electronic Health Records; Emergency Service, Hospital; Endoscopy; Endothelial Cells;
Epigenesis, Genetic; Epilepsy; Epithelial Cells; Exercise; Extracellular Vesicles;
Fatty Liver; Fibrosis; Follow-Up Studies; Gene Expression Profiling;
Gene Expression Regulation; Genetic Predisposition to Disease; Genetic Therapy;
Genome-Wide Association Study; Glioblastoma; Glucose; Gut Microbiome;
Health Care Costs; Health Services Accessibility; Healthcare Disparities;
Heart Failure; Hematopoietic Stem Cell Transplantation; Hematopoietic Stem Cells;
Hepatitis C; High-Throughput Nucleotide Sequencing; HIV Infections;
Hospital Mortality; Hospitalization; Hypertension; Hypoxia; Immunity, Innate;
Immunotherapy; Incidence; Infant, Newborn; Inflammation; Inflammatory Bowel Diseases;
Influenza, Human; Insulin Resistance; Intensive Care Units; Interleukin-6;
Ischemic Stroke; Kidney Transplantation; Leukemia, Myeloid, Acute; Length of Stay;
Liver Cirrhosis; Logistic Models; Longitudinal Studies; Lung Neoplasms;
Lymphocyte Activation; Lymphoma; Macrophages; Magnetic Resonance Imaging;
Mass Spectrometry; Medicaid; Medicare; Melanoma; Memory; Mental Health; Metabolomics;
Microbiota; MicroRNAs; Mitochondria; Models, Biological; Monocytes; Mortality;
Multiple Myeloma; Multiple Sclerosis; Mutation; Myocardial Infarction;
Neoplasm Metastasis; Neoplasm Staging; Neural Stem Cells; Neurodegenerative Diseases;
Neurons; Neutrophils; Nursing Homes; Obesity; Opioid-Related Disorders;
Osteoarthritis; Osteoporosis; Outcome Assessment, Health Care; Oxidative Stress;
Palliative Care; Pancreatic Neoplasms; Parkinson Disease; Patient Readmission;
Patient Safety; Patient Satisfaction; Pediatrics; Pharmacogenetics; Phenotype;
Phosphorylation; Physician-Patient Relations; Pneumonia;
Polymorphism, Single Nucleotide; Postoperative Complications; Pregnancy;
Pregnancy Outcome; Premature Birth; Prevalence; Primary Health Care; Prognosis;
Prospective Studies; Prostatic Neoplasms; Protein Binding; Protein Folding;
Proteomics; Psychometrics; Quality Improvement; Quality of Life;
Randomized Controlled Trials as Topic; Receptors, Antigen, T-Cell; Recurrence;
Regression Analysis; Renal Insufficiency, Chronic; Reproducibility of Results;
Respiration, Artificial; Retrospective Studies; Risk Assessment; Risk Factors;
RNA Interference; RNA, Small Interfering; Schizophrenia; Sepsis;
Sequence Analysis, RNA; Severity of Illness Index; Signal Transduction;
Single-Cell Analysis; Sleep; Smoking Cessation; Social Determinants of Health;
Socioeconomic Factors; Spinal Cord Injuries; Stem Cells;
Stress Disorders, Post-Traumatic; Stroke; Substance-Related Disorders; Suicide;
Surveys and Questionnaires; Survival Analysis; Survival Rate; Syncope; T-Lymphocytes;
T-Lymphocytes, Regulatory; Telemedicine; Thrombosis; Time Factors;
Tomography, X-Ray Computed; Transcription Factors; Transcription, Genetic;
Treatment Outcome; Tuberculosis; Tumor Microenvironment; Ultrasonography;
United States; Vaccination; Venous Thromboembolism; Virus Replication; Vitamin D;
Wound Healing; Young Adult; Zebrafish; Lymphohistiocytosis, Hemophagocytic;
Macrophage Activation Syndrome; Cytokine Release Syndrome; Perforin;
Natural Killer Cells; Granzymes; Interferon-gamma; Tumor Necrosis Factor-alpha;
Toll-Like Receptors; Inflammasomes; Complement System Proteins; Immunologic Memory;
Antigen Presentation; Histocompatibility Testing; Graft vs Host Disease;
Transplantation, Homologous; Bone Marrow; Erythropoiesis; Hemoglobins;
Sickle Cell Trait; Thalassemia; Hemophilia A; Platelet Aggregation; Anticoagulants;
Warfarin; Heparin; Aspirin; Statins; Metformin; Insulin; Glucagon-Like Peptide 1;
Sodium-Glucose Transporter 2 Inhibitors; Angiotensin-Converting Enzyme Inhibitors;
Adrenergic beta-Antagonists; Diuretics; Analgesics, Opioid; Buprenorphine; Naloxone;
Anesthesia, General; Nerve Block; Laparoscopy; Robotic Surgical Procedures;
Surgical Wound Infection; Enhanced Recovery After Surgery; Fractures, Bone;
Hip Fractures; Arthroplasty, Replacement, Knee; Rehabilitation;
Physical Therapy Modalities; Occupational Therapy; Speech Therapy; Hearing Loss;
Glaucoma; Macular Degeneration; Diabetic Retinopathy; Cataract; Myopia; Psoriasis;
Dermatitis, Atopic; Skin Neoplasms; Acne Vulgaris; Wounds and Injuries;
Urinary Tract Infections; Kidney Calculi; Prostatic Hyperplasia; Urinary Incontinence;
Contraception; Infertility; Fertilization in Vitro; Breast Feeding; Postpartum Period;
Pre-Eclampsia; Gestational Age; Infant, Premature; Neonatal Screening; Child Health;
Adolescent Health; Aging; Frailty; Falls; Geriatric Assessment; Polypharmacy;
Medical Education; Education, Medical, Graduate; Internship and Residency;
Simulation Training; Curriculum; Workforce; Health Policy; Insurance, Health;
Patient Navigation; Health Literacy; Shared Decision Making; Advance Care Planning;
Hospice Care
"""

BUILT_IN_KEYWORDS = list(CHECK_TAGS) + [
    term.strip()
    for term in TOPIC_KEYWORDS.replace("\n", " ").split(";")
    if term.strip()
]
