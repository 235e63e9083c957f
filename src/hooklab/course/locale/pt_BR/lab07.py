"""pt-BR: the checks of lab 07 (lab07.py, hidden/lab07.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # lab07.py
    "'v1,' + base64(HMAC-SHA256(base64-decoded secret after 'whsec_', f'{id}.{ts}.{body}'.encode()))":
        "'v1,' + base64(HMAC-SHA256(o segredo depois de 'whsec_', decodificado de base64, "
        "f'{id}.{ts}.{body}'.encode()))",
    "a signature the official standardwebhooks library accepts":
        "uma assinatura que a biblioteca oficial standardwebhooks aceite",
    "sign f'{msg_id}.{timestamp}.{body}' with the timestamp you are given, as a whole number":
        "assine f'{msg_id}.{timestamp}.{body}' com o timestamp que a função recebe, como número inteiro",
    "the official standardwebhooks library accepts your signatures":
        "a biblioteca oficial standardwebhooks aceita as suas assinaturas",
    "a ValueError for {name}": "um ValueError para {name}",
    "catch what parsing raises (KeyError, binascii.Error...) and raise ValueError instead":
        "capture o que a leitura dos headers levanta (KeyError, binascii.Error...) e levante ValueError no lugar",
    "request|accepted": "a requisição aceita",
    "the parsed JSON body for a genuine request": "o corpo JSON já lido, para uma requisição autêntica",
    "after every check passes, return the body parsed with json.loads":
        "depois que todas as verificações passarem, devolva o corpo lido com json.loads",
    "acceptance when one of several signatures matches (secret rotation)":
        "que a requisição seja aceita quando uma de várias assinaturas bate (rotação do segredo)",
    "refused": "a requisição recusada",
    "split the header on spaces; any v1 match wins":
        "separe o header nos espaços; basta uma assinatura v1 bater",
    "a tampered body": "um corpo adulterado",
    "a wrong secret": "um segredo errado",
    "a replay an hour later": "um replay uma hora depois",
    "a timestamp from the future": "um timestamp no futuro",
    "a missing signature header": "um header de assinatura ausente",
    "a malformed signature header": "um header de assinatura malformado",
    "a changed webhook-id": "um webhook-id trocado",
    "check: all three headers present; |now - timestamp| <= 300; an exact signature match with hmac.compare_digest":
        "confira: os três headers presentes; |now - timestamp| <= 300; uma assinatura idêntica, comparada com "
        "hmac.compare_digest",
    "genuine requests pass; tampered, forged, replayed, future and malformed ones are refused":
        "requisições autênticas passam; as adulteradas, forjadas, reenviadas (replay), do futuro e malformadas "
        "são recusadas",
    "a header both the old and the new secret verify": "um header que tanto o segredo antigo quanto o novo confirmem",
    "one 'v1,...' signature per secret, joined by a single space":
        "uma assinatura 'v1,...' por segredo, unidas por um único espaço",
    "receivers still on the old secret and those already on the new one both accept":
        "tanto os receivers que ainda usam o segredo antigo quanto os que já passaram para o novo aceitam",
    # hidden/lab07.py
    "{want} for the body {body}": "{want} para o corpo {body}",
    "sign the raw body exactly as it came, spaces and newlines included: parsing and re-serialising it changes the "
    "bytes, and so the signature":
        "assine o corpo bruto exatamente como chegou, com espaços e quebras de linha: ler o JSON e serializá-lo de "
        "novo muda os bytes e, com eles, a assinatura",
    "acceptance of {name}": "que aceite {name}",
    "the parsed body for {name}": "o corpo já lido para {name}",
    "the window is inclusive: |now - timestamp| <= tolerance is still fine, one second more is not":
        "a janela inclui a borda: |now - timestamp| <= tolerance ainda vale, um segundo a mais não",
    "a request exactly 300 s old": "uma requisição com exatamente 300 s de idade",
    "a request stamped exactly 300 s ahead": "uma requisição com timestamp exatamente 300 s à frente",
    "a request 301 s old": "uma requisição com 301 s de idade",
    "a request stamped 301 s ahead": "uma requisição com timestamp 301 s à frente",
    "use the tolerance you are given (verify(..., tolerance=60)), not a fixed 300":
        "use a tolerância que a função recebe (verify(..., tolerance=60)), não um 300 fixo",
    "a request 120 s old with tolerance=60": "uma requisição com 120 s de idade e tolerance=60",
    "a request 30 minutes old with tolerance=3600": "uma requisição com 30 minutos de idade e tolerance=3600",
    "three signatures, the last one matching": "três assinaturas, a última delas a que bate",
    "try every signature in the header, not just the first two":
        "teste todas as assinaturas do header, não só as duas primeiras",
    "a timestamp that is not a number": "um timestamp que não é número",
    "no headers at all": "nenhum header",
    "a v2 signature with the right digest": "uma assinatura v2 com o digest certo",
    "an empty v1 signature": "uma assinatura v1 vazia",
    "a truncated signature": "uma assinatura truncada",
    "only a 'v1,' signature that is exactly the expected one counts; anything unreadable is a ValueError too":
        "só conta uma assinatura 'v1,' idêntica à esperada; qualquer coisa ilegível também é um ValueError",
    "a body with a trailing space": "um corpo com um espaço a mais no fim",
    "compare the signature of the body as received: one byte more is another body":
        "compare a assinatura do corpo como ele chegou: um byte a mais já é outro corpo",
    "{n} 'v1,...' signature(s) separated by single spaces for {n} secret(s)":
        ("{n} assinatura 'v1,...' para {n} segredo",
         "{n} assinaturas 'v1,...' separadas por um único espaço para {n} segredos"),
    "one signature per secret in the list, however many there are: ' '.join(... for secret in secrets)":
        "uma assinatura por segredo da lista, quantos forem: ' '.join(... for secret in secrets)",
    "a signature for each of the {n} secrets":
        ("a assinatura de {n} segredo", "uma assinatura para cada um dos {n} segredos"),
    "{header}, with none for one of them": "{header}, sem nenhuma para um deles",
    "sign with each secret in turn, with the same id, timestamp and body":
        "assine com cada segredo, um de cada vez, com o mesmo id, timestamp e corpo",
}
