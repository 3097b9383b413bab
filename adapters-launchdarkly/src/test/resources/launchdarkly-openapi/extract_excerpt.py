#!/usr/bin/env python3
"""Re-vendors openapi-excerpt.json from LaunchDarkly's published OpenAPI document.

LaunchDarkly publishes its REST API description as api/openapi.yaml in launchdarkly/api-client-go
(Apache License 2.0, Copyright 2017 Catamorphic, Co.). This keeps the pieces the local LaunchDarkly
is checked against: the patchFeatureFlag and getFeatureFlag operations (parameters, documented
statuses, the request body's schema) and the schemas they use, as JSON Schema definitions
(#/components/schemas/X becomes #/definitions/X; OpenAPI's `nullable` becomes a null type).

    python3 extract_excerpt.py <openapi.yaml> <commit> > openapi-excerpt.json
"""
import json
import sys

import yaml

OPERATIONS = {("patch", "patchFeatureFlag"), ("get", "getFeatureFlag")}
PATH = "/api/v2/flags/{projectKey}/{featureFlagKey}"


def rewrite(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref":
                out[key] = value.replace("#/components/schemas/", "#/definitions/")
            elif key in ("example", "description", "format"):
                continue
            else:
                out[key] = rewrite(value)
        if out.pop("nullable", False) and "type" in out:
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(node, list):
        return [rewrite(v) for v in node]
    return node


def referenced(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value.startswith("#/components/schemas/"):
                found.add(value.rsplit("/", 1)[1])
            else:
                referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            referenced(value, found)


def main():
    document = yaml.safe_load(open(sys.argv[1]))
    schemas = document["components"]["schemas"]
    operations = {}
    wanted = set()
    for method, operation_id in sorted(OPERATIONS):
        operation = document["paths"][PATH][method]
        assert operation["operationId"] == operation_id
        responses = {}
        for status, answer in operation["responses"].items():
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            responses[status] = schema.get("$ref", "").rsplit("/", 1)[-1]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        operations[operation_id] = {
            "method": method.upper(),
            "path": PATH,
            "query": sorted(p["name"] for p in operation["parameters"] if p["in"] == "query"),
            "responses": responses,
            "requestSchema": body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1],
            "requestExample": body.get("example"),
        }
        referenced(operation, wanted)
    wanted.add("ForbiddenErrorRep")
    definitions = {}
    while wanted - definitions.keys():
        name = sorted(wanted - definitions.keys())[0]
        definitions[name] = rewrite(schemas[name])
        referenced(schemas[name], wanted)
    errors = {name: schemas[name].get("example") for name in definitions if name.endswith("ErrorRep")}
    json.dump(
        {
            "source": {
                "repository": "https://github.com/launchdarkly/api-client-go",
                "path": "api/openapi.yaml",
                "commit": sys.argv[2],
                "licence": "Apache License 2.0, Copyright 2017 Catamorphic, Co.",
            },
            "operations": operations,
            "errorExamples": errors,
            "definitions": definitions,
        },
        sys.stdout,
        indent=1,
        sort_keys=True,
    )


if __name__ == "__main__":
    main()
