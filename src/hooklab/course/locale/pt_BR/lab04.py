"""pt-BR: the checks of lab 04 (lab04.py, hidden/lab04.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    "{want} for {orders}": "{want} para {orders}",
    "add the totals of completed orders only (a refund takes its order out); round to 2":
        "some só os totais dos pedidos concluídos (um reembolso tira o pedido da conta); arredonde em 2 casas",
    "refunds leave the lifetime value, as they leave the bank account":
        "o que foi reembolsado sai do lifetime value, assim como sai da conta bancária",
    # The words between the amounts of a refund's timeline entry: the learner writes them in the track's language.
    "{amount:.2f} of {total:.2f} {currency}": "{amount:.2f} de {total:.2f} {currency}",
    "one timeline entry for {id}": "uma entrada na linha do tempo para {id}",
    "add_timeline(..., event_id=event['id']): the CRM keeps one entry per event id":
        "add_timeline(..., event_id=event['id']): o CRM guarda uma entrada por id de evento",
    "a timeline entry for {id} that says {parts}": "uma entrada na linha do tempo para {id} que diga {parts}",
    "every delivery handled without an error": "todas as entregas tratadas sem erro",
    "{n} failed: {errors}": ("{n} falhou: {errors}", "{n} falharam: {errors}"),
    "the CRM's orders to match the shop's, with no duplicates":
        "os pedidos do CRM iguais aos da loja, sem duplicatas",
    "use crm.put_order(order_id, ...) (an upsert by the shop's id), not create_order, and pass the event id "
    "to add_timeline": "use crm.put_order(order_id, ...) (um upsert pelo id da loja), não create_order, e passe o id "
                       "do evento para add_timeline",
    "{email} in the CRM as a customer": "{email} no CRM, no estágio customer",
    "crm.upsert_contact(email, name=..., lifecycle_stage='customer')":
        "crm.upsert_contact(email, name=..., lifecycle_stage='customer')",
    "one 'quantity x name' per item of event['data']['items'], joined with ', ', then the total with :.2f and the "
    "currency": "um 'quantidade x nome' para cada item de event['data']['items'], unidos com ', ', depois o total "
                "com :.2f e a moeda",
    "each order once, each timeline entry once and saying what was bought, however many times it arrived":
        "cada pedido uma vez só, cada entrada na linha do tempo uma vez só e dizendo o que foi comprado, não "
        "importa quantas vezes o webhook chegou",
    "crm.put_order(order_id, status='refunded'): setting a status twice is harmless":
        "crm.put_order(order_id, status='refunded'): gravar o mesmo status duas vezes não faz mal",
    "the amount from the refund, the total from the order in the CRM (crm.order(order_id)['total']): a refund may "
    "be partial, so they can differ": "o valor vem do reembolso, o total vem do pedido no CRM "
                                      "(crm.order(order_id)['total']): um reembolso pode ser parcial, então os dois "
                                      "podem ser diferentes",
    "a refund is a status change: applying it twice changes nothing more, and the timeline says how much":
        "um reembolso é uma mudança de status: aplicá-lo duas vezes não muda mais nada, e a linha do tempo diz "
        "quanto voltou",
    # hidden/lab04.py
    "{want} for {n} orders {orders}": "{want} para {n} pedidos {orders}",
    "add every completed order's total, even when two orders cost the same (no set()), and nothing for refunded "
    "ones; round to 2": "some o total de cada pedido concluído, mesmo quando dois pedidos custam o mesmo (nada de "
                        "set()), e nada dos reembolsados; arredonde em 2 casas",
    "for every order: upsert_contact(email, name=..., lifecycle_stage='customer'), put_order by its order id":
        "para cada pedido: upsert_contact(email, name=..., lifecycle_stage='customer') e put_order pelo id do pedido",
    "{want} for a new customer's two orders (120.00 and 79.90), each delivered twice":
        "{want} para os dois pedidos de uma cliente nova (120.00 e 79.90), cada um entregue duas vezes",
    "upsert the contact with the order's name (name=d['name']) as well as the lifecycle stage, and record each "
    "order with its total": "faça o upsert do contato com o nome que vem no pedido (name=d['name']), além do "
                            "estágio (lifecycle_stage), e grave cada pedido com o seu total",
    "one timeline entry per order event {fired}": "uma entrada na linha do tempo por evento de pedido {fired}",
    "every item of the order, each as 'quantity x name' (a quantity of 1 too), then the total with :.2f and the "
    "currency": "todos os itens do pedido, cada um como 'quantidade x nome' (também quando a quantidade é 1), "
                "depois o total com :.2f e a moeda",
    "only the status changes: crm.put_order(order_id, status='refunded'); the order keeps its total, whatever "
    "amount was refunded": "só o status muda: crm.put_order(order_id, status='refunded'); o pedido mantém o seu "
                           "total, seja qual for o valor reembolsado",
    "(status, total) per order {want}: the other order untouched, the refunded one with its own total":
        "(status, total) por pedido {want}: o outro pedido intacto, o reembolsado com o seu próprio total",
    "change nothing but the status of the refunded order": "não mude nada além do status do pedido reembolsado",
    "a partial refund: the amount comes from the refund, the total from the order in the CRM "
    "(crm.order(order_id)['total']), which the refund does not change":
        "um reembolso parcial: o valor vem do reembolso, o total vem do pedido no CRM "
        "(crm.order(order_id)['total']), que o reembolso não muda",
}
