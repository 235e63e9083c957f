"""pt-BR: the checks of lab 08 (lab08.py, hidden/lab08.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # 08.1, visible
    "every delay within [0, {ceiling:g}] for attempt {attempt}, base {base:g}, cap {cap:g}":
        "todas as esperas dentro de [0, {ceiling:g}] para a tentativa {attempt}, base {base:g}, cap {cap:g}",
    "min {low:.3g}, max {high:.3g}": "mínimo {low:.3g}, máximo {high:.3g}",
    "the ceiling is base for attempt 1 and doubles with each attempt, but never goes above cap; draw between 0 and it":
        "o teto é base na tentativa 1 e dobra a cada tentativa, mas nunca passa de cap; sorteie entre 0 e ele",
    "delays spread over [0, {ceiling:g}] (full jitter: mean about {half:g})":
        "esperas espalhadas por [0, {ceiling:g}] (full jitter: média por volta de {half:g})",
    "mean {mean:.3g}, spread {spread:.3g}": "média {mean:.3g}, dispersão {spread:.3g}",
    "draw with the rng you are given, uniformly between 0 and the ceiling":
        "sorteie com o rng que a função recebe, de maneira uniforme entre 0 e o teto",
    "failed clients now come back spread out, not all in the same second":
        "os clientes que falharam agora voltam espalhados, e não todos no mesmo segundo",
    # 08.1, hidden
    "the ceiling is base * 2 ** (attempt - 1), and cap wherever that is larger: check other bases, and attempts "
    "past the cap": "o teto é base * 2 ** (attempt - 1), ou cap sempre que a conta passar dele: confira outras "
                    "bases, e tentativas depois de chegar ao cap",
    "delays spread over [0, {ceiling:g}] for attempt {attempt}, base {base:g}, cap {cap:g}":
        "esperas espalhadas por [0, {ceiling:g}] para a tentativa {attempt}, base {base:g}, cap {cap:g}",
    "mean {mean:.3g}": "média {mean:.3g}",
    "draw uniformly between 0 and the ceiling": "sorteie de maneira uniforme entre 0 e o teto",
    "the same delay from two rngs seeded alike": "a mesma espera de dois rngs com a mesma seed",
    "draw with the rng argument (rng.uniform), not the random module: a seeded rng is what makes a retry schedule "
    "reproducible in a test": "sorteie com o argumento rng (rng.uniform), não com o módulo random: é um rng com "
                              "seed que deixa um cronograma de retries reproduzível num teste",
    # 08.2
    "True for no answer, 5xx, 408, 409, 429; False otherwise":
        "True para nenhuma resposta, 5xx, 408, 409, 429; False para o resto",
    "wrong for {wrong}": "errado para {wrong}",
    "a 4xx means the request itself is wrong, except 408 (timeout), 409 (conflict, try later) and 429 (slow down); "
    "410 means stop for good": "um 4xx quer dizer que a própria requisição está errada, exceto 408 (timeout), "
                               "409 (conflito, tente mais tarde) e 429 (vá mais devagar); 410 quer dizer pare de vez",
    "our dispatcher retries what time can fix, and nothing else (Stripe and Svix retry every non-2xx)":
        "o nosso dispatcher tenta de novo o que o tempo resolve, e nada mais (a Stripe e a Svix tentam de novo "
        "tudo o que não é 2xx)",
    "True for every 5xx and for 408, 409, 429; False for the rest, 3xx included":
        "True para todo 5xx e para 408, 409, 429; False para o resto, 3xx inclusive",
    "decide by class, not from a list of the codes you have met: status >= 500 covers 501, 507, 599...":
        "decida pela classe, não por uma lista dos códigos que você já viu: status >= 500 cobre 501, 507, 599...",
    # 08.3, visible
    "the handler run once per event id (4 runs)": "o handler executado uma vez por id de evento (4 execuções)",
    "{n} runs: {calls}": ("{n} execução: {calls}", "{n} execuções: {calls}"),
    "remember the ids you have handled; skip an id you have seen":
        "guarde os ids que você já tratou; pule um id que você já viu",
    "a failed run to be retried (the id is remembered only after success)":
        "que uma execução que falhou possa ser tentada de novo (o id só é guardado depois de um sucesso)",
    "{n} run(s)": ("{n} execução", "{n} execuções"),
    "add the id to the set after the handler returns, not before":
        "acrescente o id ao set depois que o handler retornar, não antes",
    "duplicates are absorbed, and a failure can still be retried":
        "as duplicatas são absorvidas, e uma falha ainda pode ser tentada de novo",
    # 08.3, hidden
    "two handlers wrapped apart to run once each per id (each its own memory)":
        "dois handlers embrulhados separadamente, cada um rodando uma vez por id (cada um com a sua memória)",
    "the first ran for {first}, the second for {second}": "o primeiro rodou para {first}, o segundo para {second}",
    "create the set of seen ids inside once(), so each wrapped handler has its own":
        "crie o set de ids vistos dentro de once(), para que cada handler embrulhado tenha o seu",
    "30 runs for 30 ids each delivered three times": "30 execuções para 30 ids, cada um entregue três vezes",
    "{n} runs": ("{n} execução", "{n} execuções"),
    "remember every id handled so far, not only the last few": "guarde todos os ids tratados até agora, não só os últimos",
    "two failures retried, then nothing more once it succeeded (3 runs)":
        "duas falhas tentadas de novo e, depois do sucesso, nada mais (3 execuções)",
    "mark the id only after handler(event) returned without raising":
        "marque o id só depois que handler(event) retornar sem levantar exceção",
}
