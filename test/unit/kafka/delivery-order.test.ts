// Ordered acknowledgement: positions pass only the delivered prefix of a partition, never move back, and forget the old assignment.
import { describe, expect, it } from 'vitest';
import { DeliveryOrder } from '../../../src/kafka/delivery-order.js';

function setup() {
  const advanced: Array<{ partition: number; waiting: number }> = [];
  const order = new DeliveryOrder((_topic, partition, waiting) => advanced.push({ partition, waiting }));
  return { order, advanced };
}

describe('DeliveryOrder', () => {
  it('a batch delivered before an earlier one waits for it; then the position passes both', () => {
    const { order, advanced } = setup();
    const first = order.open('t', 0, '9', 20);
    const second = order.open('t', 0, '19', 10);
    second.delivered();
    expect(order.takeChanged()).toEqual([]);
    expect(advanced).toEqual([]);
    first.delivered();
    expect(order.takeChanged()).toEqual([{ topic: 't', partition: 0, offset: '20' }]);
    expect(advanced).toEqual([{ partition: 0, waiting: 10 }]);
    expect(order.takeChanged()).toEqual([]);
  });

  it('partitions are independent: one stuck batch holds back only its own partition', () => {
    const { order } = setup();
    order.open('t', 0, '4', 0); // never delivered (a dead letter not acknowledged)
    order.open('t', 0, '9', 0).delivered();
    order.open('t', 1, '99', 0).delivered();
    expect(order.takeChanged()).toEqual([{ topic: 't', partition: 1, offset: '100' }]);
    expect(order.delivered).toEqual([{ topic: 't', partition: 1, offset: '100' }]);
  });

  it('a dropped batch stops its partition there: nothing after it is committed', () => {
    const { order } = setup();
    order.open('t', 0, '4', 0).delivered();
    const dropped = order.open('t', 0, '9', 0);
    const after = order.open('t', 0, '14', 0);
    dropped.dropped();
    after.delivered();
    expect(order.delivered).toEqual([{ topic: 't', partition: 0, offset: '5' }]);
  });

  it('after a new assignment the old tickets move nothing, positions of lost partitions are forgotten, kept ones never move back', () => {
    const { order } = setup();
    order.open('t', 0, '49', 0).delivered();
    order.open('t', 1, '49', 0).delivered();
    const old = order.open('t', 0, '59', 0);
    order.takeChanged();
    order.reassigned(new Set(['t/0']));
    old.delivered();
    expect(order.takeChanged()).toEqual([]);
    expect(order.delivered).toEqual([{ topic: 't', partition: 0, offset: '50' }]);
    // kafkajs reads again from an older commit (40): positions below 50 change nothing.
    order.open('t', 0, '44', 0).delivered();
    expect(order.takeChanged()).toEqual([]);
    order.open('t', 0, '69', 0).delivered();
    expect(order.takeChanged()).toEqual([{ topic: 't', partition: 0, offset: '70' }]);
  });

  it('a failed commit is sent again with the next one', () => {
    const { order } = setup();
    order.open('t', 0, '9', 0).delivered();
    const sent = order.takeChanged();
    order.restore(sent);
    expect(order.takeChanged()).toEqual([{ topic: 't', partition: 0, offset: '10' }]);
  });
});
