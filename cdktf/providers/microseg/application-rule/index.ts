// https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ApplicationRuleConfig extends cdktf.TerraformMetaArguments {
  /**
  * Free text for humans.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#description ApplicationRule#description}
  */
  readonly description?: string;
  /**
  * What may connect to the target.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#inbound ApplicationRule#inbound}
  */
  readonly inbound?: ApplicationRuleInbound[] | cdktf.IResolvable;
  /**
  * Connections between two members of the target: `allow` lets them all through (every service, both directions) without consulting the lists; `deny` (default): only what the lists allow.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#intra_group ApplicationRule#intra_group}
  */
  readonly intraGroup?: string;
  /**
  * true: every new connection this rule decides is written as one JSON line to the rule log (and to MICROSEG_SYSLOG when set).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#log ApplicationRule#log}
  */
  readonly log?: boolean | cdktf.IResolvable;
  /**
  * `monitor` forwards and records would-deny connections; `apply` enforces; `off` keeps the rule as a draft: stored and validated, never enforced (explain and reachability name the drafts that would have matched).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#mode ApplicationRule#mode}
  */
  readonly mode: string;
  /**
  * Rule name. Unique; the import ID.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#name ApplicationRule#name}
  */
  readonly name: string;
  /**
  * Where the target may connect (with outbound_policy allow_listed).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#outbound ApplicationRule#outbound}
  */
  readonly outbound?: ApplicationRuleOutbound[] | cdktf.IResolvable;
  /**
  * `allow_all`: the target may connect anywhere; `allow_listed`: only to what `outbound` lists.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#outbound_policy ApplicationRule#outbound_policy}
  */
  readonly outboundPolicy?: string;
  /**
  * Selects entities by their categories.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#target ApplicationRule#target}
  */
  readonly target: ApplicationRuleTarget;
}
export interface ApplicationRuleInboundFrom {
  /**
  * Address groups whose CIDRs are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#address_groups ApplicationRule#address_groups}
  */
  readonly addressGroups?: string[];
  /**
  * true: every address, entity or external.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#any ApplicationRule#any}
  */
  readonly any?: boolean | cdktf.IResolvable;
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#categories ApplicationRule#categories}
  */
  readonly categories?: { [key: string]: string[] } | cdktf.IResolvable;
  /**
  * CIDRs or address ranges that are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#cidrs ApplicationRule#cidrs}
  */
  readonly cidrs?: string[];
  /**
  * CIDRs taken out of the peer: an address in one of them never matches it, whatever part would include it.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#except ApplicationRule#except}
  */
  readonly except?: string[];
}

export function applicationRuleInboundFromToTerraform(struct?: ApplicationRuleInboundFrom): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    address_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.addressGroups),
    any: cdktf.booleanToTerraform(struct!.any),
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
    cidrs: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.cidrs),
    except: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.except),
  }
}


export function applicationRuleInboundFromToHclTerraform(struct?: ApplicationRuleInboundFrom): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    address_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.addressGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    any: {
      value: cdktf.booleanToHclTerraform(struct!.any),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
    cidrs: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.cidrs),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    except: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.except),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleInboundFromOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApplicationRuleInboundFrom | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._addressGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.addressGroups = this._addressGroups;
    }
    if (this._any !== undefined) {
      hasAnyValues = true;
      internalValueResult.any = this._any;
    }
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    if (this._cidrs !== undefined) {
      hasAnyValues = true;
      internalValueResult.cidrs = this._cidrs;
    }
    if (this._except !== undefined) {
      hasAnyValues = true;
      internalValueResult.except = this._except;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleInboundFrom | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this._addressGroups = undefined;
      this._any = undefined;
      this._categories = undefined;
      this._cidrs = undefined;
      this._except = undefined;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this._addressGroups = value.addressGroups;
      this._any = value.any;
      this._categories = value.categories;
      this._cidrs = value.cidrs;
      this._except = value.except;
    }
  }

  // address_groups - computed: true, optional: true, required: false
  private _addressGroups?: string[]; 
  public get addressGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('address_groups'));
  }
  public set addressGroups(value: string[]) {
    this._addressGroups = value;
  }
  public resetAddressGroups() {
    this._addressGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get addressGroupsInput() {
    return this._addressGroups;
  }

  // any - computed: true, optional: true, required: false
  private _any?: boolean | cdktf.IResolvable; 
  public get any() {
    return this.getBooleanAttribute('any');
  }
  public set any(value: boolean | cdktf.IResolvable) {
    this._any = value;
  }
  public resetAny() {
    this._any = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get anyInput() {
    return this._any;
  }

  // categories - computed: true, optional: true, required: false
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  public resetCategories() {
    this._categories = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }

  // cidrs - computed: true, optional: true, required: false
  private _cidrs?: string[]; 
  public get cidrs() {
    return cdktf.Fn.tolist(this.getListAttribute('cidrs'));
  }
  public set cidrs(value: string[]) {
    this._cidrs = value;
  }
  public resetCidrs() {
    this._cidrs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get cidrsInput() {
    return this._cidrs;
  }

  // except - computed: true, optional: true, required: false
  private _except?: string[]; 
  public get except() {
    return cdktf.Fn.tolist(this.getListAttribute('except'));
  }
  public set except(value: string[]) {
    this._except = value;
  }
  public resetExcept() {
    this._except = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exceptInput() {
    return this._except;
  }
}
export interface ApplicationRuleInboundServices {
  /**
  * ICMP code (icmp/icmpv6 only, requires icmp_type); absent means every code.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#icmp_code ApplicationRule#icmp_code}
  */
  readonly icmpCode?: number;
  /**
  * ICMP type (icmp/icmpv6 only); absent means every type.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#icmp_type ApplicationRule#icmp_type}
  */
  readonly icmpType?: number;
  /**
  * Destination ports for tcp/udp/sctp; empty or absent means every port.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#ports ApplicationRule#ports}
  */
  readonly ports?: string[];
  /**
  * IP protocol: tcp, udp, sctp (with ports), icmp, icmpv6 (with type/code), any, another protocol by name (igmp, ipip, gre, esp, ah, ospf, pim, vrrp, l2tp) or by number (0-255, kept as written; a number means the protocol it names: 47 is gre, 6 is tcp).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#protocol ApplicationRule#protocol}
  */
  readonly protocol: string;
}

export function applicationRuleInboundServicesToTerraform(struct?: ApplicationRuleInboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    icmp_code: cdktf.numberToTerraform(struct!.icmpCode),
    icmp_type: cdktf.numberToTerraform(struct!.icmpType),
    ports: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.ports),
    protocol: cdktf.stringToTerraform(struct!.protocol),
  }
}


export function applicationRuleInboundServicesToHclTerraform(struct?: ApplicationRuleInboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    icmp_code: {
      value: cdktf.numberToHclTerraform(struct!.icmpCode),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    icmp_type: {
      value: cdktf.numberToHclTerraform(struct!.icmpType),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    ports: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.ports),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    protocol: {
      value: cdktf.stringToHclTerraform(struct!.protocol),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleInboundServicesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): ApplicationRuleInboundServices | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._icmpCode !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpCode = this._icmpCode;
    }
    if (this._icmpType !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpType = this._icmpType;
    }
    if (this._ports !== undefined) {
      hasAnyValues = true;
      internalValueResult.ports = this._ports;
    }
    if (this._protocol !== undefined) {
      hasAnyValues = true;
      internalValueResult.protocol = this._protocol;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleInboundServices | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._icmpCode = undefined;
      this._icmpType = undefined;
      this._ports = undefined;
      this._protocol = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._icmpCode = value.icmpCode;
      this._icmpType = value.icmpType;
      this._ports = value.ports;
      this._protocol = value.protocol;
    }
  }

  // icmp_code - computed: true, optional: true, required: false
  private _icmpCode?: number; 
  public get icmpCode() {
    return this.getNumberAttribute('icmp_code');
  }
  public set icmpCode(value: number) {
    this._icmpCode = value;
  }
  public resetIcmpCode() {
    this._icmpCode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpCodeInput() {
    return this._icmpCode;
  }

  // icmp_type - computed: true, optional: true, required: false
  private _icmpType?: number; 
  public get icmpType() {
    return this.getNumberAttribute('icmp_type');
  }
  public set icmpType(value: number) {
    this._icmpType = value;
  }
  public resetIcmpType() {
    this._icmpType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpTypeInput() {
    return this._icmpType;
  }

  // ports - computed: true, optional: true, required: false
  private _ports?: string[]; 
  public get ports() {
    return cdktf.Fn.tolist(this.getListAttribute('ports'));
  }
  public set ports(value: string[]) {
    this._ports = value;
  }
  public resetPorts() {
    this._ports = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portsInput() {
    return this._ports;
  }

  // protocol - computed: true, optional: false, required: true
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }
}

export class ApplicationRuleInboundServicesList extends cdktf.ComplexList {
  public internalValue? : ApplicationRuleInboundServices[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): ApplicationRuleInboundServicesOutputReference {
    return new ApplicationRuleInboundServicesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface ApplicationRuleInboundTo {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#categories ApplicationRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function applicationRuleInboundToToTerraform(struct?: ApplicationRuleInboundTo | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function applicationRuleInboundToToHclTerraform(struct?: ApplicationRuleInboundTo | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleInboundToOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApplicationRuleInboundTo | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleInboundTo | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: true, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}
export interface ApplicationRuleInbound {
  /**
  * The other end of a connection: the union of the entities matched by categories, the address groups, the CIDRs, or anything, minus `except`.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#from ApplicationRule#from}
  */
  readonly from: ApplicationRuleInboundFrom;
  /**
  * Service groups allowed, by name.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#service_groups ApplicationRule#service_groups}
  */
  readonly serviceGroups?: string[];
  /**
  * Services allowed. With no services and no service_groups every protocol and port is allowed.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#services ApplicationRule#services}
  */
  readonly services?: ApplicationRuleInboundServices[] | cdktf.IResolvable;
  /**
  * Selects entities by their categories.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#to ApplicationRule#to}
  */
  readonly to?: ApplicationRuleInboundTo;
}

export function applicationRuleInboundToTerraform(struct?: ApplicationRuleInbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    from: applicationRuleInboundFromToTerraform(struct!.from),
    service_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.serviceGroups),
    services: cdktf.listMapper(applicationRuleInboundServicesToTerraform, false)(struct!.services),
    to: applicationRuleInboundToToTerraform(struct!.to),
  }
}


export function applicationRuleInboundToHclTerraform(struct?: ApplicationRuleInbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    from: {
      value: applicationRuleInboundFromToHclTerraform(struct!.from),
      isBlock: true,
      type: "struct",
      storageClassType: "ApplicationRuleInboundFrom",
    },
    service_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.serviceGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    services: {
      value: cdktf.listMapperHcl(applicationRuleInboundServicesToHclTerraform, false)(struct!.services),
      isBlock: true,
      type: "set",
      storageClassType: "ApplicationRuleInboundServicesList",
    },
    to: {
      value: applicationRuleInboundToToHclTerraform(struct!.to),
      isBlock: true,
      type: "struct",
      storageClassType: "ApplicationRuleInboundTo",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleInboundOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): ApplicationRuleInbound | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._from?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.from = this._from?.internalValue;
    }
    if (this._serviceGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.serviceGroups = this._serviceGroups;
    }
    if (this._services?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.services = this._services?.internalValue;
    }
    if (this._to?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.to = this._to?.internalValue;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleInbound | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._from.internalValue = undefined;
      this._serviceGroups = undefined;
      this._services.internalValue = undefined;
      this._to.internalValue = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._from.internalValue = value.from;
      this._serviceGroups = value.serviceGroups;
      this._services.internalValue = value.services;
      this._to.internalValue = value.to;
    }
  }

  // from - computed: true, optional: false, required: true
  private _from = new ApplicationRuleInboundFromOutputReference(this, "from");
  public get from() {
    return this._from;
  }
  public putFrom(value: ApplicationRuleInboundFrom) {
    this._from.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get fromInput() {
    return this._from.internalValue;
  }

  // service_groups - computed: true, optional: true, required: false
  private _serviceGroups?: string[]; 
  public get serviceGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('service_groups'));
  }
  public set serviceGroups(value: string[]) {
    this._serviceGroups = value;
  }
  public resetServiceGroups() {
    this._serviceGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceGroupsInput() {
    return this._serviceGroups;
  }

  // services - computed: true, optional: true, required: false
  private _services = new ApplicationRuleInboundServicesList(this, "services", true);
  public get services() {
    return this._services;
  }
  public putServices(value: ApplicationRuleInboundServices[] | cdktf.IResolvable) {
    this._services.internalValue = value;
  }
  public resetServices() {
    this._services.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesInput() {
    return this._services.internalValue;
  }

  // to - computed: true, optional: true, required: false
  private _to = new ApplicationRuleInboundToOutputReference(this, "to");
  public get to() {
    return this._to;
  }
  public putTo(value: ApplicationRuleInboundTo) {
    this._to.internalValue = value;
  }
  public resetTo() {
    this._to.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get toInput() {
    return this._to.internalValue;
  }
}

export class ApplicationRuleInboundList extends cdktf.ComplexList {
  public internalValue? : ApplicationRuleInbound[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): ApplicationRuleInboundOutputReference {
    return new ApplicationRuleInboundOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface ApplicationRuleOutboundFrom {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#categories ApplicationRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function applicationRuleOutboundFromToTerraform(struct?: ApplicationRuleOutboundFrom | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function applicationRuleOutboundFromToHclTerraform(struct?: ApplicationRuleOutboundFrom | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleOutboundFromOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApplicationRuleOutboundFrom | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleOutboundFrom | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: true, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}
export interface ApplicationRuleOutboundServices {
  /**
  * ICMP code (icmp/icmpv6 only, requires icmp_type); absent means every code.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#icmp_code ApplicationRule#icmp_code}
  */
  readonly icmpCode?: number;
  /**
  * ICMP type (icmp/icmpv6 only); absent means every type.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#icmp_type ApplicationRule#icmp_type}
  */
  readonly icmpType?: number;
  /**
  * Destination ports for tcp/udp/sctp; empty or absent means every port.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#ports ApplicationRule#ports}
  */
  readonly ports?: string[];
  /**
  * IP protocol: tcp, udp, sctp (with ports), icmp, icmpv6 (with type/code), any, another protocol by name (igmp, ipip, gre, esp, ah, ospf, pim, vrrp, l2tp) or by number (0-255, kept as written; a number means the protocol it names: 47 is gre, 6 is tcp).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#protocol ApplicationRule#protocol}
  */
  readonly protocol: string;
}

export function applicationRuleOutboundServicesToTerraform(struct?: ApplicationRuleOutboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    icmp_code: cdktf.numberToTerraform(struct!.icmpCode),
    icmp_type: cdktf.numberToTerraform(struct!.icmpType),
    ports: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.ports),
    protocol: cdktf.stringToTerraform(struct!.protocol),
  }
}


export function applicationRuleOutboundServicesToHclTerraform(struct?: ApplicationRuleOutboundServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    icmp_code: {
      value: cdktf.numberToHclTerraform(struct!.icmpCode),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    icmp_type: {
      value: cdktf.numberToHclTerraform(struct!.icmpType),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    ports: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.ports),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    protocol: {
      value: cdktf.stringToHclTerraform(struct!.protocol),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleOutboundServicesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): ApplicationRuleOutboundServices | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._icmpCode !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpCode = this._icmpCode;
    }
    if (this._icmpType !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpType = this._icmpType;
    }
    if (this._ports !== undefined) {
      hasAnyValues = true;
      internalValueResult.ports = this._ports;
    }
    if (this._protocol !== undefined) {
      hasAnyValues = true;
      internalValueResult.protocol = this._protocol;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleOutboundServices | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._icmpCode = undefined;
      this._icmpType = undefined;
      this._ports = undefined;
      this._protocol = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._icmpCode = value.icmpCode;
      this._icmpType = value.icmpType;
      this._ports = value.ports;
      this._protocol = value.protocol;
    }
  }

  // icmp_code - computed: true, optional: true, required: false
  private _icmpCode?: number; 
  public get icmpCode() {
    return this.getNumberAttribute('icmp_code');
  }
  public set icmpCode(value: number) {
    this._icmpCode = value;
  }
  public resetIcmpCode() {
    this._icmpCode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpCodeInput() {
    return this._icmpCode;
  }

  // icmp_type - computed: true, optional: true, required: false
  private _icmpType?: number; 
  public get icmpType() {
    return this.getNumberAttribute('icmp_type');
  }
  public set icmpType(value: number) {
    this._icmpType = value;
  }
  public resetIcmpType() {
    this._icmpType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpTypeInput() {
    return this._icmpType;
  }

  // ports - computed: true, optional: true, required: false
  private _ports?: string[]; 
  public get ports() {
    return cdktf.Fn.tolist(this.getListAttribute('ports'));
  }
  public set ports(value: string[]) {
    this._ports = value;
  }
  public resetPorts() {
    this._ports = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portsInput() {
    return this._ports;
  }

  // protocol - computed: true, optional: false, required: true
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }
}

export class ApplicationRuleOutboundServicesList extends cdktf.ComplexList {
  public internalValue? : ApplicationRuleOutboundServices[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): ApplicationRuleOutboundServicesOutputReference {
    return new ApplicationRuleOutboundServicesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface ApplicationRuleOutboundTo {
  /**
  * Address groups whose CIDRs are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#address_groups ApplicationRule#address_groups}
  */
  readonly addressGroups?: string[];
  /**
  * true: every address, entity or external.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#any ApplicationRule#any}
  */
  readonly any?: boolean | cdktf.IResolvable;
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#categories ApplicationRule#categories}
  */
  readonly categories?: { [key: string]: string[] } | cdktf.IResolvable;
  /**
  * CIDRs or address ranges that are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#cidrs ApplicationRule#cidrs}
  */
  readonly cidrs?: string[];
  /**
  * CIDRs taken out of the peer: an address in one of them never matches it, whatever part would include it.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#except ApplicationRule#except}
  */
  readonly except?: string[];
}

export function applicationRuleOutboundToToTerraform(struct?: ApplicationRuleOutboundTo): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    address_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.addressGroups),
    any: cdktf.booleanToTerraform(struct!.any),
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
    cidrs: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.cidrs),
    except: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.except),
  }
}


export function applicationRuleOutboundToToHclTerraform(struct?: ApplicationRuleOutboundTo): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    address_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.addressGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    any: {
      value: cdktf.booleanToHclTerraform(struct!.any),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
    cidrs: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.cidrs),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    except: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.except),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleOutboundToOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApplicationRuleOutboundTo | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._addressGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.addressGroups = this._addressGroups;
    }
    if (this._any !== undefined) {
      hasAnyValues = true;
      internalValueResult.any = this._any;
    }
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    if (this._cidrs !== undefined) {
      hasAnyValues = true;
      internalValueResult.cidrs = this._cidrs;
    }
    if (this._except !== undefined) {
      hasAnyValues = true;
      internalValueResult.except = this._except;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleOutboundTo | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this._addressGroups = undefined;
      this._any = undefined;
      this._categories = undefined;
      this._cidrs = undefined;
      this._except = undefined;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this._addressGroups = value.addressGroups;
      this._any = value.any;
      this._categories = value.categories;
      this._cidrs = value.cidrs;
      this._except = value.except;
    }
  }

  // address_groups - computed: true, optional: true, required: false
  private _addressGroups?: string[]; 
  public get addressGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('address_groups'));
  }
  public set addressGroups(value: string[]) {
    this._addressGroups = value;
  }
  public resetAddressGroups() {
    this._addressGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get addressGroupsInput() {
    return this._addressGroups;
  }

  // any - computed: true, optional: true, required: false
  private _any?: boolean | cdktf.IResolvable; 
  public get any() {
    return this.getBooleanAttribute('any');
  }
  public set any(value: boolean | cdktf.IResolvable) {
    this._any = value;
  }
  public resetAny() {
    this._any = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get anyInput() {
    return this._any;
  }

  // categories - computed: true, optional: true, required: false
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  public resetCategories() {
    this._categories = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }

  // cidrs - computed: true, optional: true, required: false
  private _cidrs?: string[]; 
  public get cidrs() {
    return cdktf.Fn.tolist(this.getListAttribute('cidrs'));
  }
  public set cidrs(value: string[]) {
    this._cidrs = value;
  }
  public resetCidrs() {
    this._cidrs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get cidrsInput() {
    return this._cidrs;
  }

  // except - computed: true, optional: true, required: false
  private _except?: string[]; 
  public get except() {
    return cdktf.Fn.tolist(this.getListAttribute('except'));
  }
  public set except(value: string[]) {
    this._except = value;
  }
  public resetExcept() {
    this._except = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exceptInput() {
    return this._except;
  }
}
export interface ApplicationRuleOutbound {
  /**
  * Selects entities by their categories.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#from ApplicationRule#from}
  */
  readonly from?: ApplicationRuleOutboundFrom;
  /**
  * Service groups allowed, by name.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#service_groups ApplicationRule#service_groups}
  */
  readonly serviceGroups?: string[];
  /**
  * Services allowed. With no services and no service_groups every protocol and port is allowed.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#services ApplicationRule#services}
  */
  readonly services?: ApplicationRuleOutboundServices[] | cdktf.IResolvable;
  /**
  * The other end of a connection: the union of the entities matched by categories, the address groups, the CIDRs, or anything, minus `except`.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#to ApplicationRule#to}
  */
  readonly to: ApplicationRuleOutboundTo;
}

export function applicationRuleOutboundToTerraform(struct?: ApplicationRuleOutbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    from: applicationRuleOutboundFromToTerraform(struct!.from),
    service_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.serviceGroups),
    services: cdktf.listMapper(applicationRuleOutboundServicesToTerraform, false)(struct!.services),
    to: applicationRuleOutboundToToTerraform(struct!.to),
  }
}


export function applicationRuleOutboundToHclTerraform(struct?: ApplicationRuleOutbound | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    from: {
      value: applicationRuleOutboundFromToHclTerraform(struct!.from),
      isBlock: true,
      type: "struct",
      storageClassType: "ApplicationRuleOutboundFrom",
    },
    service_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.serviceGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    services: {
      value: cdktf.listMapperHcl(applicationRuleOutboundServicesToHclTerraform, false)(struct!.services),
      isBlock: true,
      type: "set",
      storageClassType: "ApplicationRuleOutboundServicesList",
    },
    to: {
      value: applicationRuleOutboundToToHclTerraform(struct!.to),
      isBlock: true,
      type: "struct",
      storageClassType: "ApplicationRuleOutboundTo",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleOutboundOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): ApplicationRuleOutbound | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._from?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.from = this._from?.internalValue;
    }
    if (this._serviceGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.serviceGroups = this._serviceGroups;
    }
    if (this._services?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.services = this._services?.internalValue;
    }
    if (this._to?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.to = this._to?.internalValue;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleOutbound | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._from.internalValue = undefined;
      this._serviceGroups = undefined;
      this._services.internalValue = undefined;
      this._to.internalValue = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._from.internalValue = value.from;
      this._serviceGroups = value.serviceGroups;
      this._services.internalValue = value.services;
      this._to.internalValue = value.to;
    }
  }

  // from - computed: true, optional: true, required: false
  private _from = new ApplicationRuleOutboundFromOutputReference(this, "from");
  public get from() {
    return this._from;
  }
  public putFrom(value: ApplicationRuleOutboundFrom) {
    this._from.internalValue = value;
  }
  public resetFrom() {
    this._from.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get fromInput() {
    return this._from.internalValue;
  }

  // service_groups - computed: true, optional: true, required: false
  private _serviceGroups?: string[]; 
  public get serviceGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('service_groups'));
  }
  public set serviceGroups(value: string[]) {
    this._serviceGroups = value;
  }
  public resetServiceGroups() {
    this._serviceGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceGroupsInput() {
    return this._serviceGroups;
  }

  // services - computed: true, optional: true, required: false
  private _services = new ApplicationRuleOutboundServicesList(this, "services", true);
  public get services() {
    return this._services;
  }
  public putServices(value: ApplicationRuleOutboundServices[] | cdktf.IResolvable) {
    this._services.internalValue = value;
  }
  public resetServices() {
    this._services.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesInput() {
    return this._services.internalValue;
  }

  // to - computed: true, optional: false, required: true
  private _to = new ApplicationRuleOutboundToOutputReference(this, "to");
  public get to() {
    return this._to;
  }
  public putTo(value: ApplicationRuleOutboundTo) {
    this._to.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get toInput() {
    return this._to.internalValue;
  }
}

export class ApplicationRuleOutboundList extends cdktf.ComplexList {
  public internalValue? : ApplicationRuleOutbound[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): ApplicationRuleOutboundOutputReference {
    return new ApplicationRuleOutboundOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface ApplicationRuleTarget {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#categories ApplicationRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function applicationRuleTargetToTerraform(struct?: ApplicationRuleTarget | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function applicationRuleTargetToHclTerraform(struct?: ApplicationRuleTarget | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApplicationRuleTargetOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApplicationRuleTarget | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApplicationRuleTarget | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: false, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule microseg_application_rule}
*/
export class ApplicationRule extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg_application_rule";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ApplicationRule resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ApplicationRule to import
  * @param importFromId The id of the existing ApplicationRule that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ApplicationRule to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg_application_rule", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/application_rule microseg_application_rule} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ApplicationRuleConfig
  */
  public constructor(scope: Construct, id: string, config: ApplicationRuleConfig) {
    super(scope, id, {
      terraformResourceType: 'microseg_application_rule',
      terraformGeneratorMetadata: {
        providerName: 'microseg'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._description = config.description;
    this._inbound.internalValue = config.inbound;
    this._intraGroup = config.intraGroup;
    this._log = config.log;
    this._mode = config.mode;
    this._name = config.name;
    this._outbound.internalValue = config.outbound;
    this._outboundPolicy = config.outboundPolicy;
    this._target.internalValue = config.target;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // description - computed: true, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // inbound - computed: true, optional: true, required: false
  private _inbound = new ApplicationRuleInboundList(this, "inbound", true);
  public get inbound() {
    return this._inbound;
  }
  public putInbound(value: ApplicationRuleInbound[] | cdktf.IResolvable) {
    this._inbound.internalValue = value;
  }
  public resetInbound() {
    this._inbound.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get inboundInput() {
    return this._inbound.internalValue;
  }

  // intra_group - computed: true, optional: true, required: false
  private _intraGroup?: string; 
  public get intraGroup() {
    return this.getStringAttribute('intra_group');
  }
  public set intraGroup(value: string) {
    this._intraGroup = value;
  }
  public resetIntraGroup() {
    this._intraGroup = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get intraGroupInput() {
    return this._intraGroup;
  }

  // log - computed: true, optional: true, required: false
  private _log?: boolean | cdktf.IResolvable; 
  public get log() {
    return this.getBooleanAttribute('log');
  }
  public set log(value: boolean | cdktf.IResolvable) {
    this._log = value;
  }
  public resetLog() {
    this._log = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get logInput() {
    return this._log;
  }

  // mode - computed: false, optional: false, required: true
  private _mode?: string; 
  public get mode() {
    return this.getStringAttribute('mode');
  }
  public set mode(value: string) {
    this._mode = value;
  }
  // Temporarily expose input value. Use with caution.
  public get modeInput() {
    return this._mode;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // outbound - computed: true, optional: true, required: false
  private _outbound = new ApplicationRuleOutboundList(this, "outbound", true);
  public get outbound() {
    return this._outbound;
  }
  public putOutbound(value: ApplicationRuleOutbound[] | cdktf.IResolvable) {
    this._outbound.internalValue = value;
  }
  public resetOutbound() {
    this._outbound.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get outboundInput() {
    return this._outbound.internalValue;
  }

  // outbound_policy - computed: true, optional: true, required: false
  private _outboundPolicy?: string; 
  public get outboundPolicy() {
    return this.getStringAttribute('outbound_policy');
  }
  public set outboundPolicy(value: string) {
    this._outboundPolicy = value;
  }
  public resetOutboundPolicy() {
    this._outboundPolicy = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get outboundPolicyInput() {
    return this._outboundPolicy;
  }

  // target - computed: false, optional: false, required: true
  private _target = new ApplicationRuleTargetOutputReference(this, "target");
  public get target() {
    return this._target;
  }
  public putTarget(value: ApplicationRuleTarget) {
    this._target.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get targetInput() {
    return this._target.internalValue;
  }

  // updated_at - computed: true, optional: false, required: false
  public get updatedAt() {
    return this.getStringAttribute('updated_at');
  }

  // version - computed: true, optional: false, required: false
  public get version() {
    return this.getNumberAttribute('version');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      description: cdktf.stringToTerraform(this._description),
      inbound: cdktf.listMapper(applicationRuleInboundToTerraform, false)(this._inbound.internalValue),
      intra_group: cdktf.stringToTerraform(this._intraGroup),
      log: cdktf.booleanToTerraform(this._log),
      mode: cdktf.stringToTerraform(this._mode),
      name: cdktf.stringToTerraform(this._name),
      outbound: cdktf.listMapper(applicationRuleOutboundToTerraform, false)(this._outbound.internalValue),
      outbound_policy: cdktf.stringToTerraform(this._outboundPolicy),
      target: applicationRuleTargetToTerraform(this._target.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      inbound: {
        value: cdktf.listMapperHcl(applicationRuleInboundToHclTerraform, false)(this._inbound.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "ApplicationRuleInboundList",
      },
      intra_group: {
        value: cdktf.stringToHclTerraform(this._intraGroup),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      log: {
        value: cdktf.booleanToHclTerraform(this._log),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      mode: {
        value: cdktf.stringToHclTerraform(this._mode),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      outbound: {
        value: cdktf.listMapperHcl(applicationRuleOutboundToHclTerraform, false)(this._outbound.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "ApplicationRuleOutboundList",
      },
      outbound_policy: {
        value: cdktf.stringToHclTerraform(this._outboundPolicy),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      target: {
        value: applicationRuleTargetToHclTerraform(this._target.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "ApplicationRuleTarget",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
