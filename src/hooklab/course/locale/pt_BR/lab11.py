"""pt-BR: the checks of lab 11 (lab11.py, hidden/lab11.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # 11.1
    "nothing stored yet: anything is newer": "nada guardado ainda: qualquer coisa é mais nova",
    "a higher version": "uma versão maior",
    "an older version arriving late": "uma versão mais antiga chegando atrasada",
    "the same version again (a duplicate is not newer)": "a mesma versão de novo (uma duplicata não é mais nova)",
    "version 10 after version 9": "versão 10 depois da versão 9",
    "nothing stored yet": "nada guardado ainda",
    "one millisecond later": "um milissegundo depois",
    "one millisecond earlier": "um milissegundo antes",
    "the same instant": "o mesmo instante",
    "09:30 UTC after 10:00+01:00 (which is 09:00 UTC)": "09:30 UTC depois de 10:00+01:00 (que é 09:00 UTC)",
    "10:00+01:00 (09:00 UTC) after 09:30 UTC": "10:00+01:00 (09:00 UTC) depois de 09:30 UTC",
    "the same instant written in São Paulo time": "o mesmo instante escrito no horário de São Paulo",
    "compare versions with >: an equal version is a duplicate, not news":
        "compare as versões com >: uma versão igual é uma duplicata, não uma novidade",
    "parse both with datetime.fromisoformat(...) and compare the datetimes: strings with different offsets do not "
    "sort by time": "converta as duas com datetime.fromisoformat(...) e compare os datetimes: strings com offsets "
                    "diferentes não ficam em ordem de tempo",
    "when current is None, whatever arrives is newer": "quando current é None, o que chegar é mais novo",
    "{want} for current={current}, incoming={incoming} ({why})":
        "{want} para current={current}, incoming={incoming} ({why})",
    "an update older than what you hold can no longer overwrite it":
        "uma atualização mais antiga do que a que você tem não consegue mais sobrescrevê-la",
    # 11.2
    "parked to stay a dict of email -> list of order events":
        "que parked continue sendo um dict de email -> lista de eventos de pedido",
    "parked.setdefault(email, []).append(event)": "parked.setdefault(email, []).append(event)",
    "orders before their signups, a customer who never signs up":
        "pedidos antes dos cadastros, e um cliente que nunca se cadastra",
    "a signup first, then orders of three customers": "primeiro um cadastro, depois pedidos de três clientes",
    "if the email is not in crm['contacts'] yet, park the order (parked.setdefault(email, []).append(event)) "
    "instead of recording it": "se o email ainda não está em crm['contacts'], segure o pedido "
                               "(parked.setdefault(email, []).append(event)) em vez de registrá-lo",
    "order {order_id} recorded only once {email} is a contact":
        "o pedido {order_id} registrado só depois que {email} for um contato",
    "it is in crm['orders'] after {arrivals}": "o pedido já em crm['orders'] depois de {arrivals}",
    "contact {email} created by its signup, with name {name!r}":
        "o contato {email} criado pelo próprio cadastro, com o nome {name!r}",
    "{contact} after {arrivals}": "{contact} depois de {arrivals}",
    "only newsletter.subscribed creates a contact; an order never does (that would be a placeholder, the other "
    "remedy)": "só newsletter.subscribed cria um contato; um pedido nunca cria (isso seria um placeholder, a outra "
               "solução)",
    "every order of a customer who signed up in crm['orders'] ({n}) after {label}":
        "todos os pedidos de clientes que se cadastraram em crm['orders'] ({n}) depois de {label}",
    "missing {order_ids}": "faltando {order_ids}",
    "when a signup arrives, record the orders parked under its email, then remove them from parked":
        "quando um cadastro chegar, registre os pedidos segurados com o email dele e depois tire-os de parked",
    "order {order_id} as {{'email': {email!r}, 'total': {total}}}":
        "o pedido {order_id} como {{'email': {email!r}, 'total': {total}}}",
    "crm['orders'][order_id] = {'email': ..., 'total': ...}": "crm['orders'][order_id] = {'email': ..., 'total': ...}",
    "only the orders of customers who never signed up still parked: {order_ids} after {label}":
        "ainda em parked, só os pedidos de clientes que nunca se cadastraram: {order_ids}, depois de {label}",
    "nothing left in parked once every customer has signed up after {label}":
        "parked vazio quando todos os clientes já se cadastraram, depois de {label}",
    "parked holds {order_ids}": "parked com {order_ids}",
    "remove a contact's orders from parked when you record them (parked.pop(email, [])); never drop an order whose "
    "contact has not arrived": "tire de parked os pedidos de um contato quando registrá-los (parked.pop(email, [])); "
                               "nunca descarte um pedido cujo contato ainda não chegou",
    "no order without its customer, and no order lost while it waits":
        "nenhum pedido sem o seu cliente, e nenhum pedido perdido enquanto espera",
    # 11.3
    "a short stream delivered in a bad order": "uma sequência curta entregue fora de ordem",
    "the newest update first, a refund twice before its order":
        "a atualização mais nova primeiro, e um reembolso duas vezes antes do pedido",
    "crm to keep its 'contacts', 'orders' and 'timeline'": "que crm mantenha as chaves 'contacts', 'orders' e 'timeline'",
    "change crm in place; do not replace or delete its keys":
        "altere o próprio crm (in place); não substitua nem apague as chaves dele",
    "contact {email} at version {version}: {snapshot}": "o contato {email} na versão {version}: {snapshot}",
    "apply a contact.updated only when it is newer than what crm holds (newer() from 11.1); an older snapshot "
    "arriving late must change nothing": "aplique um contact.updated só quando ele for mais novo do que o que está "
                                         "em crm (newer(), do 11.1); um snapshot mais antigo que chega atrasado "
                                         "não pode mudar nada",
    "no other contacts": "nenhum outro contato",
    "also {keys}": "a mais: {keys}",
    "store contacts by their email": "guarde os contatos pelo email",
    "a refund can arrive before its order: record the order from the refund (status 'refunded', total = amount), and "
    "never set a refunded order back to 'completed'": "um reembolso pode chegar antes do pedido: registre o pedido a "
                                                      "partir do reembolso (status 'refunded', total = amount) e "
                                                      "nunca volte um pedido reembolsado para 'completed'",
    "record each order.completed under its order_id": "registre cada order.completed pelo seu order_id",
    "order {order_id}: {order}": "o pedido {order_id}: {order}",
    "no other orders": "nenhum outro pedido",
    "store orders by their order_id": "guarde os pedidos pelo order_id",
    "each of the {n} event ids once on the timeline": "cada um dos {n} ids de evento uma única vez na timeline",
    "{n} entries": ("{n} entrada", "{n} entradas"),
    ", repeated: {ids}": ", repetidos: {ids}",
    "a duplicate delivery has the same id: if event['id'] is already on the timeline, change nothing":
        "uma entrega duplicada tem o mesmo id: se event['id'] já está na timeline, não mude nada",
    "{expected} after {label} (arrival order of ids: {order})":
        "{expected} depois de {label} (ordem de chegada dos ids: {order})",
    "reordered, duplicated, refunds before orders: the CRM still ends with the source's truth":
        "fora de ordem, em dobro, reembolsos antes dos pedidos: o CRM ainda termina igual à verdade da origem",
    # hidden/lab11.py
    "whole seconds, no fraction": "segundos inteiros, sem fração",
    "one millisecond before, written without a fraction": "um milissegundo antes, escrito sem fração",
    "one microsecond later": "um microssegundo depois",
    "the same instant, Z and +00:00": "o mesmo instante, com Z e com +00:00",
    "02:00 UTC the next day after 23:30-03:00": "02:00 UTC do dia seguinte depois de 23:30-03:00",
    "23:30-03:00 (02:30 UTC) after 02:45 UTC": "23:30-03:00 (02:30 UTC) depois de 02:45 UTC",
    "08:31 UTC after 14:00+05:30 (08:30 UTC)": "08:31 UTC depois de 14:00+05:30 (08:30 UTC)",
    "one millisecond later, across the new year": "um milissegundo depois, na virada do ano",
    "random instants with offsets": "instantes aleatórios com offsets",
    "version 100 after 99": "versão 100 depois da 99",
    "version 99 arriving after 100": "versão 99 chegando depois da 100",
    "version 12 after 1": "versão 12 depois da 1",
    "version 12 twice": "versão 12 duas vezes",
    "nothing stored": "nada guardado",
    "the same pair the other way round": "o mesmo par na ordem inversa",
    "compare versions as numbers; parse both updated_at with datetime.fromisoformat(...), which reads every ISO 8601 "
    "form (with or without a fraction, Z or an offset), and compare instants":
        "compare as versões como números; converta os dois updated_at com datetime.fromisoformat(...), que lê "
        "qualquer forma de ISO 8601 (com ou sem fração, com Z ou com offset), e compare os instantes",
    "arrivals {seed} ({contacts} customers, {lost} never signing up)":
        "chegadas {seed} ({contacts} clientes, {lost} sem cadastro)",
    "a contact updated 12 times, shuffled": "um contato atualizado 12 vezes, embaralhado",
    "chaos stream {seed}": "sequência caótica {seed}",
    "a stream with most events delivered twice and far out of order":
        "uma sequência com a maioria dos eventos entregue duas vezes e muito fora de ordem",
}
