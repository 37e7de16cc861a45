"""The merged document names each service's schemas with the service's prefix: every
``$ref`` and every reference of a discriminator's mapping (finance's standard drafts)."""

from __future__ import annotations

from gateway.openapi import _rename_refs


def test_refs_and_discriminator_mappings_are_renamed_alike() -> None:
    schema = {
        "oneOf": [{"$ref": "#/components/schemas/SalaryScaleDraft"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"salary_scale": "#/components/schemas/SalaryScaleDraft"},
        },
    }
    renamed = _rename_refs(schema, "finance")
    assert renamed["oneOf"][0]["$ref"] == "#/components/schemas/Finance_SalaryScaleDraft"
    assert renamed["discriminator"] == {
        "propertyName": "kind",
        "mapping": {"salary_scale": "#/components/schemas/Finance_SalaryScaleDraft"},
    }
