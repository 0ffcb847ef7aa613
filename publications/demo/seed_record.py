"""The first demo record: a real faculty publication, field by field.

Transcribed from its public record page. The page names no authors and no
PubMed ID, so this record has neither; its "Related Resources" PubMed link is
a PubMed search for the DOI.
"""

SEED_RECORD = {
    "title": "Advances in understanding the pathogenesis of HLH",
    "departments": ["Department of Pediatrics", "Department of Pathology"],
    "pub_year": 2013,
    "pub_month": 6,
    "epub_date": "2013-04-12",
    "document_type": "Article",
    "keywords": [("Lymphohistiocytosis, Hemophagocytic", "D051359")],
    # Leaf names of the three-tier taxonomy, with their paths.
    "subjects": [
        (
            "Medicine and Health Sciences",
            "Diseases",
            "Hemic and Lymphatic Diseases",
        ),
        ("Medicine and Health Sciences", "Medical Specialties", "Pathology"),
    ],
    "abstract": (
        "Haemophagocytic lymphohistiocytosis (HLH) is a hyperinflammatory disorder "
        "resulting from immune dysfunction reflecting either primary immune "
        "deficiency or acquired failure of normal immune homeostasis. Familial HLH "
        "includes autosomal recessive and X-linked disorders characterized by "
        "uncontrolled activation of T cells and macrophages and overproduction of "
        "inflammatory cytokines, secondary to defects in genes encoding proteins "
        "involved in granule-dependent cytolytic pathways. In older children and "
        "adults, HLH is associated more often with infections, malignancies, "
        "autoimmune diseases, and acquired immune deficiencies. HLH, macrophage "
        "activation syndrome, sepsis, and systemic inflammatory response syndrome "
        "are different clinical entities that probably represent a common "
        "immunopathological state, termed cytokine storm. These conditions may be "
        "clinically indistinguishable; all include massive inflammatory response, "
        "elevated serum cytokine levels, multi-organ involvement, haemophagocytic "
        "macrophages, and often death. Tissues of haematopoietic and lymphoid "
        "function are directly involved; other organs are secondarily damaged by "
        "circulating cytokines and chemokines. Haemophagocytic disorders are now "
        "increasingly diagnosed in the context of severe inflammatory reactions to "
        "viruses, malignancies and systemic connective tissue diseases. Many of "
        "these cases may reflect underlying genetic predispositions to HLH. The "
        "detection of gene defects has contributed considerably to our "
        "understanding of HLH, but the mechanisms leading to acquired HLH have yet "
        "to be fully determined."
    ),
    "doi": "10.1111/bjh.12293",
    "source_citation": (
        "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293. "
        "Epub 2013 Apr 12."
    ),
    "publisher_url": "https://doi.org/10.1111/bjh.12293",
    "related_links": [
        (
            "Link to Article in PubMed",
            "https://pubmed.ncbi.nlm.nih.gov/?term=10.1111%2Fbjh.12293",
            "pubmed",
        )
    ],
    "venue": {
        "title": "British journal of haematology",
        "abbreviation": "Br J Haematol",
    },
    "volume": "161",
    "issue": "5",
    "pages": "609-22",
}
