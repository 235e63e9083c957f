"""pt-BR: the checks of lab 01 (lab01.py, hidden/lab01.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # 01.1
    "a list of event ids for since={since}": "uma lista de ids de eventos para since={since}",
    'return [e["id"] for e in response.json()["events"]]': 'devolva [e["id"] for e in response.json()["events"]]',
    "{want} (the events created after since={since:.3f}, oldest first)":
        "{want} (os eventos criados depois de since={since:.3f}, do mais antigo para o mais novo)",
    "GET {url} with params={params}; the answer is JSON: {shape}":
        "faça GET em {url} com params={params}; a resposta é um JSON: {shape}",
    "that GET is all a poller does, again and again; an empty list is a request that told you nothing":
        "esse GET é tudo o que um poller faz, de novo e de novo; uma lista vazia é uma requisição que não trouxe "
        "nada de novo",
    "0, the whole feed": "0, o feed inteiro",
    "just before these events": "logo antes desses eventos",
    "a fraction of a millisecond before an event": "uma fração de milissegundo antes de um evento",
    "a whole second": "um segundo cheio",
    "in the middle of an import": "no meio de uma importação",
    "the newest event's time": "o instante do evento mais recente",
    "a list of event ids for since={since:.4f} ({what})": "uma lista de ids de eventos para since={since:.4f} ({what})",
    "the {n} event(s) created after since={since:.4f} ({what}), oldest first, of the types {kinds}":
        "o(s) {n} evento(s) criado(s) depois de since={since:.4f} ({what}), do mais antigo para o mais novo, dos "
        "tipos {kinds}",
    "{n} id(s) {ids}": "{n} id(s) {ids}",
    "return every event the feed gives, whatever its type, in the feed's order; pass since as it is (not rounded) "
    "in params": "devolva todos os eventos que o feed entrega, seja qual for o tipo, na ordem do feed; passe since "
                 "como está (sem arredondar) em params",
    # 01.2
    "{want} wasted poll(s) for polls={polls}": "{want} consulta(s) à toa para polls={polls}",
    "a poll is wasted when it brought no new events (its list is empty)":
        "uma consulta é à toa quando não trouxe nenhum evento novo (a lista dela está vazia)",
    "every empty poll is a request that cost something and told you nothing":
        "cada consulta vazia é uma requisição que custou algo e não trouxe nada de novo",
    "{want} wasted poll(s) out of {n} for polls={polls}": "{want} consulta(s) à toa de {n} para polls={polls}",
    "count every poll whose list is empty, wherever it is in the log":
        "conte todas as consultas cuja lista está vazia, esteja ela onde estiver no log",
    # 01.3
    "a list of {n} numbers (one per event) for events {events}":
        "uma lista de {n} números (um por evento) para os eventos {events}",
    "return one staleness per event, in the order of event_times":
        "devolva um atraso por evento, na ordem de event_times",
    "{want} for events {events} and polls {polls}": "{want} para os eventos {events} e as consultas {polls}",
    "for each event, find the first poll at or after it (p >= e), and subtract":
        "para cada evento, ache a primeira consulta no mesmo instante ou depois dele (p >= e) e subtraia",
    "staleness is the wait for the next poll: on average about half an interval":
        "o atraso é a espera até a próxima consulta: em média, cerca de meio intervalo",
    "polls need not be evenly spaced (a real poller drifts): for each event, look for the first poll time p >= e "
    "in poll_times itself": "as consultas não precisam ter espaçamento regular (um poller de verdade escorrega): "
                            "para cada evento, procure o primeiro instante de consulta p >= e na própria poll_times",
    # 01.4
    "an interval in seconds (a number), or None": "um intervalo em segundos (um número), ou None",
    "return the interval_s value of the row you chose, or None": "devolva o interval_s da linha que você escolheu, ou None",
    "{want} for a p95 target of {target} s with this table:\n{table}\n":
        "{want} para uma meta de p95 de {target} s com esta tabela:\n{table}\n",
    "keep the polling rows whose p95_staleness_s <= target (the webhook row is not a polling interval); of those, "
    "the fewest requests; None if no row is left":
        "fique com as linhas de polling com p95_staleness_s <= meta (a linha do webhook não é um intervalo de "
        "polling); delas, a que tem menos requisições; None se não sobrar nenhuma",
    "a freshness target turns 'how often should we poll?' into a number, and a bill":
        "uma meta de atualidade transforma 'de quanto em quanto tempo consultar?' num número, e numa conta a pagar",
    "choose among the rows whose method is 'polling' (wherever the webhook row is), with p95_staleness_s <= target "
    "(equal counts), the one with the fewest requests":
        "escolha, entre as linhas cujo method é 'polling' (esteja a linha do webhook onde estiver) e com "
        "p95_staleness_s <= meta (igual também vale), a que tem menos requisições",
}
