def test_home_lists_partners_in_swedish(client, company):
    response = client.get("/sv/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="sv">' in content
    assert "LK Precision AB" in content
