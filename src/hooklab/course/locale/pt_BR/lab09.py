"""pt-BR: the checks of lab 09 (lab09.py, hidden/lab09.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # lab09.BUGS: what each planted bug breaks in the spec
    "a request without a webhook-signature header is accepted":
        "uma requisição sem o header webhook-signature é aceita",
    "the timestamp is not checked, so an old request can be replayed":
        "o timestamp não é conferido, então dá para reenviar uma requisição antiga",
    "a redelivered webhook-id is applied again": "um webhook-id reentregue é aplicado de novo",
    "an order without an email crashes the endpoint (500) instead of a 422":
        "um pedido sem email derruba o endpoint (500) em vez de receber um 422",
    # lab09.py
    "a test that takes some of the fixtures {fixtures}": "um teste que receba algumas destas fixtures: {fixtures}",
    "a test that also asks for {names}": "um teste que também pede {names}",
    "use client to post, crm to look at the result, secret to sign":
        "use client para fazer o POST, crm para conferir o resultado e secret para assinar",
    "a test function": "uma função de teste",
    "define def test_...(client, ...):": "defina def test_...(client, ...):",
    "your test to pass on the correct endpoint": "que o seu teste passe no endpoint correto",
    "it fails there too, at `{line}`": "ele falha lá também, em `{line}`",
    "a test that fails on correct code tests the wrong thing; compare with the spec":
        "um teste que falha com o código correto está testando a coisa errada; compare com a especificação",
    "it fails on the buggy endpoint ({bug}): {error}, bug caught":
        "ele falha no endpoint com o bug ({bug}): {error}, bug encontrado",
    "your test to fail on the endpoint where {bug}": "que o seu teste falhe no endpoint em que {bug}",
    "it passes there too: the bug would reach production": "ele passa lá também: o bug chegaria à produção",
    "post the request the bug mishandles, then assert what the spec says must happen":
        "envie a requisição que o bug trata errado e depois confira com assert o que a especificação manda acontecer",
    # hidden/lab09.py
    "your test to fail on an endpoint that {what}": "que o seu teste falhe num endpoint que {what}",
    "it passes there: that bug would reach production": "ele passa lá: esse bug chegaria à produção",
    "answers 202 to an unsigned request (and records nothing)":
        "responde 202 a uma requisição sem assinatura (e não registra nada)",
    "assert the status code too: the spec says 401, and a 202 tells the sender all went well":
        "confira também o status code: a especificação diz 401, e um 202 avisa ao emissor que deu tudo certo",
    "answers 401 to an unsigned request but records the order anyway":
        "responde 401 a uma requisição sem assinatura, mas registra o pedido mesmo assim",
    "assert the CRM too: crm == {} after the request, not only the status code":
        "confira também o CRM: crm == {} depois da requisição, não só o status code",
    "accepts a request up to an hour old (the spec says 5 minutes)":
        "aceita uma requisição de até uma hora atrás (a especificação diz 5 minutos)",
    "sign with a timestamp just past the limit (ten minutes old), not hours or days old: a test far from the limit "
    "misses a window that is merely too wide":
        "assine com um timestamp logo além do limite (de dez minutos atrás), não de horas ou dias atrás: um teste "
        "longe do limite não percebe uma janela que é só larga demais",
    "answers 200 to a redelivery but records the order again":
        "responde 200 a uma reentrega, mas registra o pedido de novo",
    "assert the CRM too: the order listed once and lifetime_value equal to its total":
        "confira também o CRM: o pedido listado uma vez só e lifetime_value igual ao total dele",
    "lists the order once but adds its total to lifetime_value again":
        "lista o pedido uma vez só, mas soma o total dele de novo em lifetime_value",
    "assert lifetime_value as well as the orders list: money counted twice is the costliest bug":
        "confira lifetime_value, além da lista de pedidos: dinheiro contado duas vezes é o bug mais caro",
    "answers 202 to a redelivery (the spec says 200)": "responde 202 a uma reentrega (a especificação diz 200)",
    "assert both status codes: [202, 200]": "confira os dois status codes: [202, 200]",
    "answers 422 with an error that does not name the missing field":
        "responde 422 com um erro que não diz qual campo está faltando",
    'assert that "email" is in response.get_json()["error"]':
        'confira que "email" está em response.get_json()["error"]',
    "answers 400 instead of 422": "responde 400 em vez de 422",
    "assert the status code is exactly 422": "confira que o status code é exatamente 422",
}
