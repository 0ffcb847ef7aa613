"""Sets (spec 2.6): departments, disciplines and document types.

Departments and disciplines are trees, so their setSpecs are paths of slugs:
"department:school-of-medicine:pediatrics", "subject:medicine-and-health-
sciences:diseases". A set holds the records of its own unit and of every unit
below it, so harvesting "department:school-of-medicine" brings the records of
its departments too. The three roots ("department", "subject", "type") are sets
as well. Document types are flat: "type:article".

A record's header lists the fewest setSpecs that give its membership (spec
2.6: "institution:florida" implies "institution").
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property

from ..models import (
    Department,
    DocumentType,
    Publication,
    PublicationDepartment,
    Subject,
)
from .arguments import SET_SPEC

PublicationSubject = Publication.subjects.through


@dataclass(frozen=True)
class Node:
    id: int
    slug: str
    name: str
    parent_id: int | None


class Hierarchy:
    """One tree of units, loaded whole: a few thousand rows at most."""

    def __init__(self, root: str, nodes: Iterable[Node]):
        self.root = root
        self.nodes = {node.id: node for node in nodes}
        self.children: dict[int | None, list[int]] = {}
        for node in self.nodes.values():
            parent = node.parent_id if node.parent_id in self.nodes else None
            self.children.setdefault(parent, []).append(node.id)
        self.specs: dict[int, str] = {}
        self._assign_specs(None, root)
        self.by_spec = {spec: node_id for node_id, spec in self.specs.items()}

    def _assign_specs(self, parent_id: int | None, parent_spec: str) -> None:
        # Walking down from the roots gives every reachable node its path and
        # cannot loop; a node whose slug is not legal in a setSpec is left out
        # with the units below it.
        stack = [(parent_id, parent_spec)]
        while stack:
            node_id, spec = stack.pop()
            for child_id in self.children.get(node_id, ()):
                slug = self.nodes[child_id].slug
                child_spec = f"{spec}:{slug}"
                if slug and SET_SPEC.match(child_spec) and child_id not in self.specs:
                    self.specs[child_id] = child_spec
                    stack.append((child_id, child_spec))

    def with_descendants(self, node_id: int) -> list[int]:
        found, stack = [], [node_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(c for c in self.children.get(current, ()) if c in self.specs)
        return found

    def sets(self) -> list[tuple[str, str]]:
        return [
            (spec, self.nodes[node_id].name) for node_id, spec in self.specs.items()
        ]


ROOT_NAMES = {
    "department": "Departments",
    "subject": "Disciplines",
    "type": "Document types",
}


class SetCatalogue:
    """The repository's sets, loaded once per request on first use."""

    @cached_property
    def departments(self) -> Hierarchy:
        rows = Department.objects.order_by().values_list(
            "id", "slug", "name", "parent_id"
        )
        return Hierarchy("department", (Node(*row) for row in rows))

    @cached_property
    def subjects(self) -> Hierarchy:
        rows = Subject.objects.order_by().values_list("id", "slug", "name", "parent_id")
        return Hierarchy("subject", (Node(*row) for row in rows))

    @cached_property
    def types(self) -> dict[int, tuple[str, str]]:
        """{document type id: (setSpec, name)}"""
        return {
            type_id: (f"type:{slug}", name)
            for type_id, slug, name in DocumentType.objects.order_by().values_list(
                "id", "slug", "name"
            )
            if SET_SPEC.match(f"type:{slug}")
        }

    def all_sets(self) -> list[tuple[str, str]]:
        """(setSpec, setName) of every set, ordered by setSpec."""
        sets = list(ROOT_NAMES.items())
        sets += self.departments.sets()
        sets += self.subjects.sets()
        sets += self.types.values()
        return sorted(sets)

    def specs_for(
        self,
        document_type_id: int,
        department_ids: Iterable[int],
        subject_ids: Iterable[int],
    ) -> list[str]:
        """The fewest setSpecs that give a record's membership, sorted."""
        specs = set()
        if type_spec := self.types.get(document_type_id):
            specs.add(type_spec[0])
        specs.update(
            self.departments.specs[i]
            for i in department_ids
            if i in self.departments.specs
        )
        specs.update(
            self.subjects.specs[i] for i in subject_ids if i in self.subjects.specs
        )
        # Drop a set implied by a more specific one ("a" by "a:b").
        implied = {spec.rsplit(":", 1)[0] for spec in specs if ":" in spec}
        while implied:
            specs -= implied
            implied = {spec.rsplit(":", 1)[0] for spec in implied if ":" in spec}
        return sorted(specs)

    def filter_for(self, spec: str) -> Q | None:
        """The records of set `spec` and its subsets; None if no such set."""
        if spec == "type":
            return Q()
        if spec.startswith("type:"):
            for type_id, (type_spec, _) in self.types.items():
                if type_spec == spec:
                    return Q(document_type_id=type_id)
            return None
        for hierarchy, links, column in (
            (self.departments, PublicationDepartment.objects, "department_id"),
            (self.subjects, PublicationSubject.objects, "subject_id"),
        ):
            if spec == hierarchy.root:
                return Q(Exists(links.filter(publication_id=OuterRef("pk"))))
            if spec.startswith(hierarchy.root + ":"):
                node_id = hierarchy.by_spec.get(spec)
                if node_id is None:
                    return None
                ids = hierarchy.with_descendants(node_id)
                return Q(
                    Exists(
                        links.filter(
                            publication_id=OuterRef("pk"), **{f"{column}__in": ids}
                        )
                    )
                )
        return None
