"""pt-BR: the checks of lab 13 (lab13.py, hidden/lab13.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # lab13.FAULTS: what each fault means (the lab prints them)
    "nothing went wrong": "nada deu errado",
    "the CRM took seconds to answer each call, so the handlers fell behind":
        "o CRM levou segundos para responder a cada chamada, e os handlers ficaram para trás",
    "the integration endpoint answered a 5xx error to a share of the deliveries":
        "o endpoint da integração respondeu com um erro 5xx a uma parte das entregas",
    "the integration endpoint could not be reached for several minutes":
        "o endpoint da integração ficou fora de alcance por vários minutos",
    "the network delivered some webhooks twice, the receiver's dedup was off, "
    "and the order handler creates a CRM row per call":
        "a rede entregou alguns webhooks duas vezes, a deduplicação do receiver estava desligada "
        "e o handler de pedidos cria uma linha no CRM a cada chamada",
    "after a deploy the receiver verified signatures with a different secret than the sender's":
        "depois de um deploy, o receiver passou a verificar as assinaturas com um segredo diferente do que o "
        "emissor usa",
    # 13.1
    "a dict with 'p95_lag_s' and 'unprocessed'": "um dict com 'p95_lag_s' e 'unprocessed'",
    "return {code}": "devolva {code}",
    "unprocessed = {n} (events with no processed_at)": "unprocessed = {n} (eventos sem processed_at)",
    "count the rows where processed_at is missing (NaT): .isna().sum()":
        "conte as linhas em que falta o processed_at (NaT): .isna().sum()",
    "p95_lag_s ≈ {p95:.2f} s ({n} events, {unprocessed} unprocessed)":
        "p95_lag_s ≈ {p95:.2f} s ({n} eventos, {unprocessed} não processados)",
    "lag = (processed_at - created_at).dt.total_seconds(); drop the missing ones, then "
    ".quantile(0.95); 0.0 when nothing was processed (not the mean, not the max)":
        "lag = (processed_at - created_at).dt.total_seconds(); descarte os que faltam e depois use "
        ".quantile(0.95); 0.0 quando nada foi processado (nem a média, nem o máximo)",
    "an event that never arrives has no lag, so you count it apart":
        "um evento que nunca chega não tem atraso, por isso você o conta à parte",
    # 13.2
    "a dict like {example}": "um dict como {example}",
    "build a dict: result -> share": "monte um dict: resultado -> parcela",
    "the keys {keys} (failed attempts only)": "as chaves {keys} (só as tentativas que falharam)",
    "the key is str(status_code) when there is one, else the error ('timeout', 'connection'); "
    "leave out attempts whose outcome is 'delivered'":
        "a chave é str(status_code) quando há um status, senão o erro ('timeout', 'connection'); "
        "deixe de fora as tentativas cujo outcome é 'delivered'",
    "shares of ALL {n} attempts: {shares}": "parcelas de TODAS as {n} tentativas: {shares}",
    "divide each count by the number of attempts, delivered ones included":
        "divida cada contagem pelo número de tentativas, contando também as entregues",
    "a 5xx says the receiver struggles, a 401 says the configuration is wrong":
        "um 5xx diz que o receiver está em apuros; um 401 diz que a configuração está errada",
    # 13.3
    "a list of (window, metric, state) tuples": "uma lista de tuplas (window, metric, state)",
    "collect the tuples in a list and return it": "junte as tuplas numa lista e devolva a lista",
    "{n} 'firing' message(s) for {windows} windows": ("{n} mensagem 'firing' para {windows} janelas",
                                                     "{n} mensagens 'firing' para {windows} janelas"),
    "post when a metric starts breaching, not on every window it stays above the threshold "
    "(remember which metrics are firing already)":
        "poste quando uma métrica começa a estourar o limite, não a cada janela em que ela continua acima dele "
        "(lembre quais métricas já estão em firing)",
    "the transitions {want}": "as transições {want}",
    "breached means value > threshold; 'firing' when a metric becomes breached, 'resolved' "
    "when it goes back under; every metric starts quiet; the tuple is (window, metric, state)":
        "estourar é valor > limite; 'firing' quando uma métrica estoura, 'resolved' quando ela volta para "
        "baixo do limite; toda métrica começa quieta; a tupla é (window, metric, state)",
    "the same answer when called twice": "a mesma resposta quando a função é chamada duas vezes",
    "start from an empty set of firing metrics inside the function, not in a global":
        "comece com um set vazio de métricas em firing dentro da função, não numa variável global",
    "one message when things break, one when they recover: a channel people keep reading":
        "uma mensagem quando algo quebra, outra quando se recupera: um canal que as pessoas continuam lendo",
    # 13.4
    "one of {names}": "um destes: {names}",
    "return the name of the fault as a string, e.g. 'slow_crm'":
        "devolva o nome da falha como string, por exemplo 'slow_crm'",
    "incident {n}: {got!r}, it was {fault!r}": "incidente {n}: {got!r}, mas era {fault!r}",
    "{n} wrong ({cases})": ("{n} errado ({cases})", "{n} errados ({cases})"),
    "all {n} hidden incidents named right": "os {n} incidentes ocultos, todos com o nome certo",
    "look at errors first (which status or error?), then reconcile() (which problem?), "
    "then the lag: errors and outages cause delays too":
        "olhe primeiro os erros (qual status ou erro?), depois o reconcile() (qual problema?), "
        "e só então o atraso: erros e quedas também causam atrasos",
    "{n} hidden incidents, every one named from its evidence":
        "{n} incidentes ocultos, cada um identificado pelas suas evidências",
    # hidden 13.4
    "all {n} other incidents named right": "os {n} incidentes inéditos, todos com o nome certo",
    "decide from the kind of evidence, not from how much: which results failed (5xx, 4xx, "
    "'connection'), then reconcile(), then the lag; retries after errors and outages cause long "
    "delays too":
        "decida pelo tipo de evidência, não pela quantidade: quais resultados falharam (5xx, 4xx, "
        "'connection'), depois o reconcile(), e só então o atraso; os retries depois de erros e quedas "
        "também causam atrasos longos",
}
