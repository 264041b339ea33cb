"""The read-only ELN pages the extension's "Open in openBIS" links land on."""

from __future__ import annotations

from urllib.parse import quote

import requests

from openbis_sandbox.testing import pybis_client

ELN = "/openbis/webapp/eln-lims/?menuUniqueId=null&viewName={view}&viewData={data}"


def page(sandbox, view: str, data: str) -> requests.Response:
    url = sandbox.url + ELN.format(view=view, data=quote(data, safe=""))
    return requests.get(url, verify=str(sandbox.ca_cert), timeout=30)


def test_data_set_page_shows_identity_properties_links_and_files(sandbox):
    o = pybis_client(sandbox)
    ds = next(d for d in o.get_datasets(count=50) if d.file_list)
    response = page(sandbox, "showViewDataSetPageFromPermId", ds.permId)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert ds.permId in html and ds.type.code in html
    assert ds.sample.identifier in html
    for name in ds.file_list[:3]:
        assert name.split("/")[-1] in html
    for code, value in ds.props().items():
        if value:
            assert code.upper() in html


def test_sample_and_experiment_pages(sandbox):
    o = pybis_client(sandbox)
    sample = o.get_sample("/LAB/PROJ1/SAMPLE1")
    html = page(sandbox, "showViewSamplePageFromPermId", sample.permId).text
    assert "/LAB/PROJ1/SAMPLE1" in html and sample.type.code in html
    experiment = o.get_experiment("/DEFAULT/DEFAULT/DEFAULT")
    by_id = page(sandbox, "showViewExperimentPageFromIdentifier", "/DEFAULT/DEFAULT/DEFAULT")
    by_perm_id = page(sandbox, "showViewExperimentPageFromPermId", experiment.permId)
    assert "/DEFAULT/DEFAULT/DEFAULT" in by_id.text and by_id.text == by_perm_id.text


def test_values_are_escaped_and_unknown_entities_are_404(sandbox):
    o = pybis_client(sandbox)
    sample = o.new_sample(
        type="SAMPLE",
        space="DEFAULT",
        experiment="/DEFAULT/DEFAULT/DEFAULT",
        props={"$name": "<script>alert(1)</script>"},
    )
    sample.save()
    html = page(sandbox, "showViewSamplePageFromPermId", sample.permId).text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    missing = page(sandbox, "showViewDataSetPageFromPermId", "<b>20990101-1</b>")
    assert missing.status_code == 404 and "&lt;b&gt;20990101-1&lt;/b&gt;" in missing.text
    assert page(sandbox, "showSomethingElse", "x").status_code == 404
