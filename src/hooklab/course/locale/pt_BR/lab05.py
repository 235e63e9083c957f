"""pt-BR: the checks of lab 05 (lab05.py, hidden/lab05.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    "{want} for {type} {data}": "{want} para {type} {data}",
    "orders of 500 or more → sales; demo-request/contact-sales forms → sales, other forms → leads; carts of 200 or "
    "more → marketing; anything else → []":
        "pedidos de 500 ou mais → sales; formulários demo-request/contact-sales → sales, os outros formulários → "
        "leads; carrinhos de 200 ou mais → marketing; qualquer outra coisa → []",
    "every event went to the right channel, and thresholds hold at their exact values":
        "cada evento foi para o canal certo, e os limites valem bem no valor de corte",
    "for each channel route(event) returns, notifier.post(channel, text)":
        "para cada canal que route(event) devolve, notifier.post(channel, text)",
    "messages per channel {want}": "mensagens por canal {want}",
    "{got}: your handler raised {error} ({n} of the {m} events failed)":
        ("{got}: o seu handler levantou {error} ({n} dos {m} eventos falhou)",
         "{got}: o seu handler levantou {error} ({n} dos {m} eventos falharam)"),
    "fix that error (the receiver only logs it in stack.receiver.inbox().last_error); {hint}":
        "corrija esse erro (o receiver só o registra em stack.receiver.inbox().last_error); {hint}",
    "the team hears about what matters, and nothing else": "o time fica sabendo do que importa, e de mais nada",
    "{want} for filter {pattern!r} and type {kind!r}": "{want} para o filtro {pattern!r} e o tipo {kind!r}",
    "'*' matches all; 'order.*' matches types starting with 'order.'; otherwise compare exactly":
        "'*' aceita tudo; 'order.*' aceita os tipos que começam com 'order.'; fora isso, compare o tipo exato",
    "you filter exactly as the dispatcher does": "você filtra exatamente como o dispatcher",
    "{want} for {type} with {what}": "{want} para {type} com {what}",
    "look at the event's type first: a cart of 500 or more is still a cart (marketing), a refund is never a sale, "
    "and types without a rule go nowhere":
        "olhe primeiro o tipo do evento: um carrinho de 500 ou mais continua sendo carrinho (marketing), um reembolso "
        "nunca é venda, e tipo sem regra não vai para canal nenhum",
    "only a filter that ends in '.*' is a family (compare the start, up to and with the dot); any other filter but "
    "'*' must equal the type exactly, letter for letter":
        "só um filtro que termina em '.*' é uma família (compare o começo, até o ponto, inclusive); qualquer outro "
        "filtro, tirando '*', tem de ser igual ao tipo, letra por letra",
}
