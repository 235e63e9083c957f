"""pt-BR: the checks of lab 12 (lab12.py, hidden/lab12.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # 12.1
    "median answer time (graded across processes, the round trip taken off)":
        "tempo de resposta mediano (corrigido entre processos, descontada a ida e volta)",
    "p95 answer time": "tempo de resposta p95",
    "a Flask app": "um app Flask",
    "return the app you built": "devolva o app que você montou",
    "202 Accepted for every event": "202 Accepted para todos os eventos",
    'return jsonify(status="accepted"), 202 after putting the event on the queue':
        'return jsonify(status="accepted"), 202 depois de colocar o evento na fila',
    "the 30 events on the queue, in order, unchanged": "os 30 eventos na fila, em ordem, sem alteração",
    "{n} item(s), first {first}": ("{n} item, o primeiro: {first}", "{n} itens, o primeiro: {first}"),
    "put the parsed JSON body, request.get_json(), on jobs as it is":
        "coloque em jobs o corpo JSON já lido, request.get_json(), do jeito que veio",
    "{what} under {target:g} ms": "{what} abaixo de {target:g} ms",
    "do no work in the request: no handler call, no sleep, just put and answer":
        "não faça trabalho nenhum na requisição: nada de chamar o handler, nada de sleep; só put e a resposta",
    "the sender waits under {target:g} ms, not the {handler:.0f} ms of the handler":
        "o emissor espera menos de {target:g} ms, e não os {handler:.0f} ms do handler",
    # hidden 12.1
    "202 for each event of a second app": "202 para cada evento de um segundo app",
    "make_app builds a new Flask app on each call (no app at module level), so a second call works too":
        "make_app monta um app Flask novo a cada chamada (nenhum app no nível do módulo), e assim uma segunda "
        "chamada também funciona",
    "each app to put its events on its own queue, unchanged":
        "que cada app coloque os seus eventos na própria fila, sem alteração",
    "{second} on the second app's queue, {first} on the first's; first item {item}":
        "{second} na fila do segundo app, {first} na do primeiro; primeiro item: {item}",
    "use the jobs passed to make_app, inside the view; do not keep a queue from an earlier call":
        "use, dentro da view, o jobs passado a make_app; não guarde uma fila de uma chamada anterior",
    "the first app still to use its own queue": "que o primeiro app continue usando a própria fila",
    "its event went elsewhere": "o evento dele foi parar em outra fila",
    "each app puts on the jobs it was made with": "cada app coloca os eventos no jobs com que foi criado",
    "{what} under {target:g} ms for 40 larger events": "{what} abaixo de {target:g} ms para 40 eventos maiores",
    # 12.2
    "work() to return after the None that ends the queue": "que work() retorne depois do None que encerra a fila",
    "it still runs after {seconds:g} s": "ainda está rodando depois de {seconds:g} s",
    "stop the loop when you take None off the queue": "saia do laço quando tirar um None da fila",
    "batches of {want} for {n} events with batch_size {size}":
        "lotes de {want} para {n} eventos com batch_size {size}",
    "block for the first item, then take more with get_nowait() up to batch_size":
        "espere (bloqueando) pelo primeiro item e depois pegue mais com get_nowait(), até batch_size",
    "every event once, in order": "cada evento uma vez, em ordem",
    "{n} event(s)": ("{n} evento", "{n} eventos"),
    "pass each batch (a list of events) to handle, once":
        "passe cada lote (uma lista de eventos) para handle, uma vez",
    "work() to return {n}, the events handled": "que work() devolva {n}, o número de eventos tratados",
    "count the events, not the batches": "conte os eventos, não os lotes",
    "one CRM call per batch instead of one per event": "uma chamada ao CRM por lote, em vez de uma por evento",
    # hidden 12.2
    "the 2 waiting events handled at once, as a batch of 2 (batch_size 10)":
        "os 2 eventos que esperavam tratados na hora, num lote de 2 (batch_size 10)",
    "handle was not called within 2 s": "handle não foi chamado em 2 s",
    "after the first jobs.get(), take only what is already waiting (get_nowait until queue.Empty), then call handle":
        "depois do primeiro jobs.get(), pegue só o que já está esperando (get_nowait até queue.Empty) e então "
        "chame handle",
    "all 5 events once, in order, when they trickle in":
        "os 5 eventos, uma vez cada, em ordem, quando chegam aos poucos",
    "batches of {sizes}": "lotes de {sizes}",
    "keep looping after a short batch until None arrives":
        "continue no laço depois de um lote incompleto, até chegar o None",
    # 12.3
    "202 for the first 5 events, then 503 (limit 5)": "202 para os 5 primeiros eventos, depois 503 (limite 5)",
    "compare jobs.qsize() with limit first, and answer 503 before putting anything":
        "compare antes jobs.qsize() com limit e responda 503 antes de colocar qualquer coisa na fila",
    "a Retry-After header (seconds) on each 503": "um header Retry-After (em segundos) em cada 503",
    'return jsonify(error="busy"), 503, {"Retry-After": "10"}':
        'return jsonify(error="busy"), 503, {"Retry-After": "10"}',
    "only the 5 accepted events queued": "só os 5 eventos aceitos na fila",
    "a refused event is not queued: the sender keeps it and retries later":
        "um evento recusado não entra na fila: o emissor fica com ele e tenta de novo mais tarde",
    "202 again once the queue has room": "202 de novo assim que a fila tiver espaço",
    "not 202": "outra coisa que não 202",
    "compare with the queue's size now": "compare com o tamanho da fila agora",
    "a full queue pushes back on the sender instead of growing without bound":
        "uma fila cheia devolve a pressão ao emissor em vez de crescer sem limite",
    # hidden 12.3
    "202 for the first {limit}, then 503 (limit {limit})": "{limit} × 202 e depois 503 (limite {limit})",
    "compare with the limit you are given, not a number of your own":
        "compare com o limite que a função recebe, não com um número seu",
    "{limit} × 202 once the worker emptied the queue": "{limit} × 202 depois que o worker esvaziou a fila",
    "decide from jobs.qsize() at the time of each request": "decida por jobs.qsize() no momento de cada requisição",
    "[202, 503, 503] with 2 events already waiting (limit 3)": "[202, 503, 503] com 2 eventos já esperando (limite 3)",
    "count what is on the queue (jobs.qsize()), not the requests you accepted":
        "conte o que está na fila (jobs.qsize()), não as requisições que você aceitou",
    # 12.4
    "a whole number: round a fraction of a worker up, never down":
        "um número inteiro: arredonde uma fração de worker para cima, nunca para baixo",
    "rate * seconds is the busy workers on average; divide by utilisation; round up":
        "rate * seconds é o número médio de workers ocupados; divida por utilisation; arredonde para cima",
    "{want} workers for {rate}/s at {seconds} s each, kept {utilisation:.0%} busy":
        "{want} workers para {rate}/s a {seconds} s cada evento, ocupados {utilisation:.0%} do tempo",
    "capacity = arrival rate × work per event, with headroom":
        "capacidade = taxa de chegada × trabalho por evento, com folga",
    # hidden 12.4
    "when the busy workers divided by utilisation is already a whole number, that is the answer: round up only a "
    "fraction (math.ceil)":
        "quando os workers ocupados divididos por utilisation já dão um número inteiro, essa é a resposta: "
        "arredonde para cima só uma fração (math.ceil)",
}
